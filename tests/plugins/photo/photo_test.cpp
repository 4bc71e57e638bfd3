// The photo plugin as a black box: uploads decided by content, re-encoded
// without metadata, refused in words, processed on a bounded pool, shown
// only after an admin approves them, served with content-hash caching.
#include "photo_fixtures.hpp"
#include "support/credentials_client.hpp"
#include "support/daemon_process.hpp"
#include "support/raw_socket.hpp"

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <future>
#include <fstream>
#include <thread>

using namespace memberd::test;
using namespace memberd::test::credentials;
namespace photos = memberd::test::photos;
using nlohmann::json;

namespace {

DaemonOptions with_photo(const std::string& backend, std::vector<std::string> sets = {}) {
  return DaemonOptions{backend, std::move(sets), "", {"credentials", "photo"}};
}

httplib::Result upload_raw(const DaemonProcess& d, const std::string& token, const std::string& bytes,
                           const std::string& content_type = "image/jpeg") {
  return d.http()->Put("/api/v1/me/photo", bearer(token), bytes, content_type);
}

httplib::Result upload_form(const DaemonProcess& d, const std::string& token, const std::string& bytes,
                            const std::string& field = "photo") {
  const std::string boundary = "----memberdTestBoundary7MA4YWxk";
  std::string body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" +
                     boundary + "\r\nContent-Disposition: form-data; name=\"" + field +
                     "\"; filename=\"me.svg\"\r\nContent-Type: image/svg+xml\r\n\r\n" + bytes + "\r\n--" + boundary +
                     "--\r\n";
  return d.http()->Put("/api/v1/me/photo", bearer(token), body, "multipart/form-data; boundary=" + boundary);
}

httplib::Result fetch(const DaemonProcess& d, const std::string& path, httplib::Headers headers = {}) {
  return d.http()->Get(path, headers);
}

json my_photo(const DaemonProcess& d, const std::string& token) {
  auto res = get(d, "/api/v1/me/photo", bearer(token));
  INFO(describe(res));
  REQUIRE(status_of(res) == 200);
  return body_of(res);
}

std::string review_of(const DaemonProcess& d, const std::string& photo_id) {
  auto res = get(d, "/api/v1/admin/reviews?kind=photo", admin(d));
  INFO(describe(res));
  REQUIRE(status_of(res) == 200);
  json page = body_of(res);  // kept: a loop over a temporary's member would dangle
  for (const auto& item : page["items"])
    if (item["fields"].value("photo_id", "") == photo_id) return item["revision_id"];
  FAIL("the photo is not in the review queue");
  return {};
}

// The public rendition once the approval's event has been delivered.
httplib::Result wait_for_public(const DaemonProcess& d, const std::string& member_id, const std::string& query,
                                httplib::Headers headers = {}) {
  for (int i = 0; i < 100; ++i) {
    auto res = fetch(d, "/api/v1/members/" + member_id + "/photo" + query, headers);
    if (status_of(res) == 200) return res;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  FAIL("the approved photo was not published within 10 s");
  return fetch(d, "/");
}

void approve(const DaemonProcess& d, const std::string& photo_id) {
  auto res = post_empty(d, "/api/v1/admin/reviews/" + review_of(d, photo_id) + "/approve", admin(d));
  INFO(describe(res));
  REQUIRE(status_of(res) == 200);
}

bool no_metadata(const std::string& exif_json) {
  for (const char* group : {"\"EXIF", "\"IFD0", "\"GPS", "\"XMP", "\"IPTC", "\"ICC", "\"Photoshop", "Secret", "secret"})
    if (exif_json.find(group) != std::string::npos) return false;
  return true;
}

// The process's peak resident memory so far (VmHWM), in KiB.
long peak_rss_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmHWM:" && status >> value) return value;
    status.ignore(4096, '\n');
  }
  FAIL("no VmHWM in /proc/<pid>/status");
  return 0;
}

// The status line's code of one request written by hand on a socket.
int raw_status(int port, const std::string& request) {
  int fd = connect_loopback(port);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  char buffer[512] = {};
  ssize_t n = ::recv(fd, buffer, sizeof buffer - 1, 0);
  ::close(fd);
  std::string head(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
  return head.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(head.substr(9, 3)) : 0;
}

}  // namespace

TEST_CASE("a photo is decided by content and re-encoded without metadata and public only after approval",
          "[photo][reviews]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(with_photo(backend));
  auto account = join(daemon, "lamps@example.com");
  auto session = sign_in(daemon, account);

  // A JPEG sent as text/plain: the content decides.
  auto sent = upload_raw(daemon, session.token, photos::jpeg_with_gps_and_orientation(), "text/plain");
  INFO(describe(sent));
  REQUIRE(status_of(sent) == 202);
  std::string photo_id = body_of(sent)["photo_id"];
  CHECK(body_of(sent)["status"] == "pending");
  CHECK(is_rfc3339(body_of(sent)["due_at"]));

  auto state = my_photo(daemon, session.token);
  CHECK(state["published"].is_null());
  REQUIRE(state["pending"]["photo_id"] == photo_id);
  CHECK(state["limits"]["max_bytes"] == 5 * 1024 * 1024);
  CHECK(state["limits"]["sizes"]["medium"] == 200);

  // Pending is never public, but its owner and the admins see it.
  CHECK(status_of(fetch(daemon, "/api/v1/members/" + account.member_id + "/photo?size=large")) == 404);
  auto own = fetch(daemon, "/api/v1/me/photo/pending?size=large", bearer(session.token));
  REQUIRE(status_of(own) == 200);
  CHECK(own->get_header_value("Content-Type") == "image/jpeg");
  auto item = get(daemon, "/api/v1/admin/reviews/" + review_of(daemon, photo_id), admin(daemon));
  CHECK(body_of(item)["kind"] == "photo");
  CHECK(body_of(item)["fields"]["format"] == "JPEG");
  CHECK(body_of(item)["fields"]["width"] == 300);
  std::string preview = body_of(item)["fields"]["preview_url"];
  CHECK(status_of(fetch(daemon, preview, admin(daemon))) == 200);
  CHECK(status_of(fetch(daemon, preview, bearer(session.token))) == 403);

  approve(daemon, photo_id);
  auto jpeg = wait_for_public(daemon, account.member_id, "?size=large", {{"Accept", "image/png,*/*"}});
  CHECK(jpeg->get_header_value("Content-Type") == "image/jpeg");
  CHECK(photos::width_of(jpeg->body) == 512);
  // Upright: EXIF orientation 6 turns the red top to the right.
  auto left = photos::pixel(jpeg->body, 60, 256), right = photos::pixel(jpeg->body, 450, 256);
  CHECK(left.b > 150);
  CHECK(left.r < 100);
  CHECK(right.r > 150);
  CHECK(right.b < 100);
  std::string exif = photos::exiftool_json(jpeg->body);
  INFO(exif);
  CHECK(no_metadata(exif));

  // WebP for a browser that takes it, also without a trace of the EXIF.
  auto webp = fetch(daemon, "/api/v1/members/" + account.member_id + "/photo?size=small",
                    {{"Accept", "image/avif,image/webp,*/*"}});
  REQUIRE(status_of(webp) == 200);
  CHECK(webp->get_header_value("Content-Type") == "image/webp");
  CHECK(photos::width_of(webp->body) == 64);
  CHECK(no_metadata(photos::exiftool_json(webp->body)));
  CHECK(webp->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(webp->get_header_value("Content-Security-Policy") == "default-src 'none'; sandbox");
  CHECK(webp->get_header_value("Vary") == "Accept");
  CHECK(webp->get_header_value("Cache-Control") == "public, no-cache");

  // The content hash as ETag: 304 when the client has it.
  std::string etag = webp->get_header_value("ETag");
  REQUIRE(etag.size() == 34);
  auto again = fetch(daemon, "/api/v1/members/" + account.member_id + "/photo?size=small",
                     {{"Accept", "image/webp"}, {"If-None-Match", etag}});
  CHECK(status_of(again) == 304);
  CHECK(again->body.empty());
  // The versioned URL the member's state gives is immutable.
  auto published = my_photo(daemon, session.token)["published"];
  REQUIRE(published["photo_id"] == photo_id);
  std::string url = published["urls"]["medium"];
  auto versioned = fetch(daemon, url, {{"Accept", "image/webp"}});
  CHECK(versioned->get_header_value("Cache-Control") == "public, max-age=31536000, immutable");
  CHECK(photos::width_of(versioned->body) == 200);
  CHECK(status_of(fetch(daemon, "/api/v1/members/" + account.member_id + "/photo?size=huge")) == 422);

  CHECK(!wait_for_mail(daemon, account.email, "is published").empty());
}

TEST_CASE("PNG with alpha and ICC and animated GIF and WebP and a JPEG with a script appended are all re-encoded",
          "[photo]") {
  DaemonProcess daemon(with_photo("sqlite", {"photo.requires_approval=false"}));
  auto account = join(daemon, "formats@example.com");
  auto session = sign_in(daemon, account);
  std::string url = "/api/v1/members/" + account.member_id + "/photo?size=medium";

  SECTION("PNG with alpha and an ICC profile: flattened, sRGB, no profile kept") {
    auto png = photos::png_with_alpha_and_icc();
    REQUIRE(photos::exiftool_json(png).find("ICC") != std::string::npos);  // the fixture has one
    auto sent = upload_raw(daemon, session.token, png, "image/png");
    INFO(describe(sent));
    REQUIRE(status_of(sent) == 201);
    CHECK(body_of(sent)["status"] == "published");
    auto served = fetch(daemon, url, {{"Accept", "image/webp"}});
    REQUIRE(status_of(served) == 200);
    std::string exif = photos::exiftool_json(served->body);
    INFO(exif);
    CHECK(no_metadata(exif));
  }
  SECTION("an animated GIF: its first frame") {
    auto sent = upload_form(daemon, session.token, photos::animated_gif());
    INFO(describe(sent));
    REQUIRE(status_of(sent) == 201);
    auto served = fetch(daemon, url);
    REQUIRE(status_of(served) == 200);
    auto centre = photos::pixel(served->body, 100, 100);
    CHECK(centre.g > 150);
    CHECK(centre.r < 80);
  }
  SECTION("a WebP") {
    auto sent = upload_raw(daemon, session.token, photos::webp(), "application/octet-stream");
    REQUIRE(status_of(sent) == 201);
    CHECK(status_of(fetch(daemon, url)) == 200);
  }
  SECTION("a JPEG with HTML and JavaScript appended: an image, the payload gone") {
    std::string payload = "<html><script>alert(document.cookie)</script></html>";
    auto sent = upload_raw(daemon, session.token, photos::jpeg(400, 300) + payload, "text/html");
    REQUIRE(status_of(sent) == 201);
    for (const char* accept : {"image/webp", "image/jpeg"}) {
      auto served = fetch(daemon, url, {{"Accept", accept}});
      REQUIRE(status_of(served) == 200);
      CHECK(served->body.find("<script") == std::string::npos);
      CHECK(served->get_header_value("Content-Type").rfind("image/", 0) == 0);
    }
  }
}

TEST_CASE("bad uploads are refused in words and change nothing", "[photo][validation]") {
  DaemonProcess daemon(with_photo("sqlite", {"photo.max_bytes=200000"}));
  auto account = join(daemon, "bad@example.com");
  auto session = sign_in(daemon, account);

  CHECK_PROBLEM(upload_raw(daemon, session.token,
                           "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", "image/svg+xml"),
                415, "unsupported_type");
  CHECK_PROBLEM(upload_form(daemon, session.token, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"), 415, "unsupported_type");
  // A HEIC's ftyp box.
  CHECK_PROBLEM(upload_raw(daemon, session.token, std::string("\0\0\0\x18" "ftypheic\0\0\0\0mif1heic", 24)), 415,
                "unsupported_type");
  auto started = std::chrono::steady_clock::now();
  long peak_before = peak_rss_kib(daemon.pid());
  CHECK_PROBLEM(upload_raw(daemon, session.token, photos::png_claiming_50000_squared(), "image/png"), 422,
                "too_many_pixels");
  // Refused from the header: no time spent, and no 7.5 GB of pixels (not
  // even the 140 MB libvips reaches before it gives up on the truncation).
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
  CHECK(peak_rss_kib(daemon.pid()) - peak_before < 20 * 1024);
  std::string whole = photos::jpeg(600, 400);
  CHECK_PROBLEM(upload_raw(daemon, session.token, whole.substr(0, whole.size() / 2)), 422, "undecodable");
  auto empty = upload_raw(daemon, session.token, "");
  CHECK_PROBLEM(empty, 422, "validation");
  CHECK(has_field_error(body_of(empty), "photo"));
  auto unnamed = upload_form(daemon, session.token, whole, "picture");
  CHECK_PROBLEM(unnamed, 422, "validation");
  CHECK(has_field_error(body_of(unnamed), "photo"));
  // Over photo.max_bytes, but within the route's body limit: the plugin's words.
  auto large = upload_raw(daemon, session.token, whole + std::string(200001 - whole.size(), '\0'));
  CHECK_PROBLEM(large, 413, "too_large");
  CHECK(body_of(large)["detail"].get<std::string>().find("at most") != std::string::npos);
  // A 2 GB Content-Length is refused from the header, before a byte of the body.
  CHECK(raw_status(daemon.port(), "PUT /api/v1/me/photo HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                                      session.token + "\r\nContent-Type: image/jpeg\r\nContent-Length: 2000000000\r\n\r\n") ==
        413);
  // Other routes keep the daemon's own limit (1 MiB by default).
  CHECK(raw_status(daemon.port(), "PUT /api/v1/me/profile HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                                  "application/json\r\nContent-Length: 2000000\r\n\r\n") == 413);
  CHECK(status_of(upload_raw(daemon, "not-a-token", whole)) == 401);

  auto state = my_photo(daemon, session.token);
  CHECK(state["pending"].is_null());
  CHECK(state["published"].is_null());
  auto queue = get(daemon, "/api/v1/admin/reviews?kind=photo", admin(daemon));
  CHECK(body_of(queue)["items"].empty());
}

TEST_CASE("a rejected photo is dropped and the reason mailed and a removed one leaves the queue", "[photo][reviews]") {
  auto backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
  DaemonProcess daemon(with_photo(backend));
  auto account = join(daemon, "reject@example.com");
  auto session = sign_in(daemon, account);

  auto first = upload_raw(daemon, session.token, photos::jpeg(300, 300));
  REQUIRE(status_of(first) == 202);
  std::string first_id = body_of(first)["photo_id"];
  approve(daemon, first_id);
  wait_for_public(daemon, account.member_id, "?size=small");

  // A second upload supersedes nothing published until it is decided.
  auto second = upload_raw(daemon, session.token, photos::webp());
  REQUIRE(status_of(second) == 202);
  std::string second_id = body_of(second)["photo_id"];
  auto rejected = post(daemon, "/api/v1/admin/reviews/" + review_of(daemon, second_id) + "/reject",
                       {{"reason", "The photo is blurred, too dark or cut off."}}, admin(daemon));
  INFO(describe(rejected));
  REQUIRE(status_of(rejected) == 200);
  CHECK(!wait_for_mail(daemon, account.email, "too dark").empty());
  auto state = my_photo(daemon, session.token);
  CHECK(state["published"]["photo_id"] == first_id);
  CHECK(state["pending"].is_null());
  CHECK(state["last_decision"]["status"] == "rejected");
  CHECK(status_of(fetch(daemon, "/api/v1/admin/photos/" + second_id, admin(daemon))) == 404);

  // Removing: the published photo goes, and a pending one leaves the queue.
  auto third = upload_raw(daemon, session.token, photos::jpeg(250, 250));
  REQUIRE(status_of(third) == 202);
  std::string revision = review_of(daemon, body_of(third)["photo_id"]);
  auto removed = del(daemon, "/api/v1/me/photo", bearer(session.token));
  CHECK(status_of(removed) == 204);
  CHECK(status_of(fetch(daemon, "/api/v1/members/" + account.member_id + "/photo")) == 404);
  auto item = body_of(get(daemon, "/api/v1/admin/reviews/" + revision, admin(daemon)));
  CHECK(item["status"] == "withdrawn");
  CHECK_PROBLEM(post_empty(daemon, "/api/v1/admin/reviews/" + revision + "/approve", admin(daemon)), 409, "conflict");
  state = my_photo(daemon, session.token);
  CHECK(state["published"].is_null());
  CHECK(state["pending"].is_null());
}

TEST_CASE("uploads past the processing queue get 503 while other routes answer", "[photo][load]") {
  DaemonProcess daemon(with_photo("sqlite", {"photo.workers=1", "photo.queue=0", "photo.max_bytes=20000000"}));
  // Six members (one member has one upload processed at a time).
  std::vector<std::string> tokens;
  for (int i = 0; i < 6; ++i) tokens.push_back(sign_in(daemon, join(daemon, "flood" + std::to_string(i) + "@example.com")).token);
  // A 12 MP JPEG keeps the one worker busy long enough for the others to overlap.
  std::string big = photos::jpeg(4000, 3000);
  std::atomic<int> accepted{0}, busy{0}, other{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 6; ++i)
    clients.emplace_back([&, i] {
      auto res = upload_raw(daemon, tokens[i], big);
      int status = status_of(res);
      if (status == 202) ++accepted;
      else if (status == 503 && retry_after(res) > 0) ++busy;
      else ++other;
    });
  // Meanwhile the daemon answers everything else.
  auto health = fetch(daemon, "/healthz");
  for (auto& c : clients) c.join();
  CHECK(status_of(health) == 200);
  CHECK(accepted >= 1);
  CHECK(busy >= 1);
  CHECK(other == 0);
}

TEST_CASE("a photo that takes longer than photo.time_limit is refused and the worker freed", "[photo][load]") {
  // Three 2048 px renditions of each format: seconds of work for a 48 MP
  // interlaced PNG on any machine, cut at one.
  DaemonProcess daemon(with_photo("sqlite", {"photo.time_limit=1s", "photo.workers=1", "photo.queue=0", "photo.max_bytes=67108864",
                                             "photo.sizes={a: 2048, b: 2040, c: 2032}"}));
  auto account = join(daemon, "slow@example.com");
  auto session = sign_in(daemon, account);
  // 48 MP of PNG: libvips decodes every pixel (no shrink-on-load for PNG).
  std::string slow = photos::png_gradient(8000, 6000);
  auto started = std::chrono::steady_clock::now();
  auto refused = upload_raw(daemon, session.token, slow, "image/png");
  CHECK_PROBLEM(refused, 422, "too_slow");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  // The one worker is free again: with no queue, a worker still busy would
  // make the next upload 503 (it may be too slow itself at these sizes).
  CHECK(status_of(upload_raw(daemon, session.token, photos::jpeg(300, 300))) != 503);
}

TEST_CASE("two daemons on one PostgreSQL serve the same photo", "[photo][postgresql]") {
  ScratchPostgres database;
  DaemonOptions options = with_photo("postgresql");
  options.database_url = database.url();
  DaemonProcess first(options);
  DaemonProcess second(options);
  auto account = join(first, "shared@example.com");
  auto session = sign_in(first, account);
  auto sent = upload_raw(first, session.token, photos::jpeg(320, 240));
  REQUIRE(status_of(sent) == 202);
  approve(second, body_of(sent)["photo_id"]);
  auto from_first = wait_for_public(first, account.member_id, "?size=medium", {{"Accept", "image/webp"}});
  auto from_second = wait_for_public(second, account.member_id, "?size=medium", {{"Accept", "image/webp"}});
  CHECK(from_first->body == from_second->body);
  CHECK(from_first->get_header_value("ETag") == from_second->get_header_value("ETag"));
}

namespace {

std::string fixture_image(const std::string& name) {
  std::ifstream file(std::string(MEMBERD_SOURCE_DIR) + "/tests/fixtures/images/" + name, std::ios::binary);
  REQUIRE(file);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

// The daemon's child processes: its photo workers.
std::vector<int> children_of(int pid) {
  std::vector<int> out;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::ifstream children(task.path() / "children");
    for (int child; children >> child;) out.push_back(child);
  }
  return out;
}

// Kills a worker and waits until it has wholly ended, so its end of the
// socket is closed before the next upload: a kill that lands while a request
// is being written is a worker dying on that upload, which the daemon rightly
// refuses with 422, not the idle death tested here. The main thread turns
// zombie ("Z") before libvips' threads have exited, and they hold the
// process's files (the socket among them) until the last one is gone: only
// a zombie with no other thread left has closed its socket.
void kill_and_wait_ended(int pid) {
  ::kill(pid, SIGKILL);
  const std::string proc = "/proc/" + std::to_string(pid);
  for (int round = 0; round < 500; ++round) {
    std::ifstream stat(proc + "/stat");
    std::string id, name, state;
    if (!(stat >> id >> name >> state) || state == "X") return;
    std::error_code error;
    auto threads = std::distance(std::filesystem::directory_iterator(proc + "/task", error),
                                 std::filesystem::directory_iterator());
    if (state == "Z" && (error || threads <= 1)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("photo worker " << pid << " did not end after SIGKILL");
}

// Waits until the daemon has a worker busy on an upload (its CPU time
// grows), and returns it.
int busy_worker(int daemon_pid) {
  auto cpu_ticks = [](int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string field;
    long long ticks = 0;
    for (int i = 1; i <= 15 && stat >> field; ++i)
      if (i == 14 || i == 15) ticks += std::stoll(field);
    return ticks;
  };
  for (int round = 0; round < 100; ++round) {
    for (int child : children_of(daemon_pid)) {
      long long before = cpu_ticks(child);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (cpu_ticks(child) > before) return child;
    }
  }
  FAIL("no photo worker became busy");
  return -1;
}

}  // namespace

// Issue 26, F1: these valid PNGs made libvips/lcms2 write past a buffer
// while enlarging them to 512 px with an sRGB export profile, and glibc
// aborted the whole daemon (exit 134). F3: 35- and 43-byte GIFs whose frame
// lies outside a 1 x 1 screen passed the header check, then decoded for
// minutes or asked for 15.6 GB.
TEST_CASE("the images that brought the daemon down are a photo or a refusal, and the daemon serves on",
          "[photo][hostile]") {
  DaemonProcess daemon(with_photo("sqlite"));
  auto account = join(daemon, "hostile@example.com");
  auto session = sign_in(daemon, account);
  for (const char* name : {"f1-wide-rgba-300x10.png", "f1-wide-rgba-33x1.png", "f1-wide-rgba-100x3.png"}) {
    INFO(name);
    auto res = upload_raw(daemon, session.token, fixture_image(name), "image/png");
    INFO(describe(res));
    CHECK(status_of(res) == 202);
  }
  auto started = std::chrono::steady_clock::now();
  CHECK_PROBLEM(upload_raw(daemon, session.token, fixture_image("f3-gif-frame-outside-1x1-screen.gif"), "image/gif"),
                422, "too_many_pixels");
  CHECK_PROBLEM(upload_raw(daemon, session.token, fixture_image("f3-gif-frame-4097x0-on-1x1-screen.gif"), "image/gif"),
                422, "undecodable");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
  CHECK(daemon.running());
  CHECK(status_of(fetch(daemon, "/healthz")) == 200);
  auto state = my_photo(daemon, session.token);
  CHECK_FALSE(state["pending"].is_null());  // the last PNG waits for approval
}

TEST_CASE("a worker that crashes or hangs costs that upload alone, and a fresh worker takes the next",
          "[photo][hostile]") {
  // Slow enough to catch the worker at work: a 48 MP interlaced PNG at 2048 px.
  // Six seconds: under a sanitizer on a loaded machine a fresh worker's
  // small JPEG at 2048 px took over four.
  DaemonProcess daemon(with_photo("sqlite", {"photo.time_limit=6s", "photo.workers=1", "photo.queue=0",
                                             "photo.max_bytes=67108864", "photo.sizes={a: 2048, b: 2040}"}));
  auto account = join(daemon, "crash@example.com");
  auto session = sign_in(daemon, account);
  std::string slow = photos::png_gradient(8000, 6000);

  SECTION("a crash: 422 undecodable, a log line naming the signal") {
    auto upload = std::async(std::launch::async, [&] { return upload_raw(daemon, session.token, slow, "image/png"); });
    int worker = busy_worker(daemon.pid());
    ::kill(worker, SIGSEGV);
    auto res = upload.get();
    CHECK_PROBLEM(res, 422, "undecodable");
    CHECK_THAT(daemon.output(), Catch::Matchers::Contains("photo worker lost on an upload") &&
                                    Catch::Matchers::Contains("killed by signal 11 (SIGSEGV)"));
  }
  SECTION("a hang anywhere (here: stopped): killed at photo.time_limit plus a second, 422 too_slow") {
    auto started = std::chrono::steady_clock::now();
    auto upload = std::async(std::launch::async, [&] { return upload_raw(daemon, session.token, slow, "image/png"); });
    int worker = busy_worker(daemon.pid());
    ::kill(worker, SIGSTOP);
    auto res = upload.get();
    CHECK_PROBLEM(res, 422, "too_slow");
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(9));
    CHECK_THAT(daemon.output(), Catch::Matchers::Contains("photo worker killed: no answer within photo.time_limit"));
    CHECK(::kill(worker, 0) != 0);  // killed and reaped: no zombie left behind
  }
  CHECK(daemon.running());
  // With one worker and no queue, a worker still held would make this 503.
  auto next = upload_raw(daemon, session.token, photos::jpeg(300, 300));
  INFO(describe(next));
  CHECK(status_of(next) == 202);
}

namespace {

// A plugins.dir of its own with credentials.so, photo.so and, unless
// `worker_mode` is 0, photo-worker in that mode; removed with the object.
struct PhotoPluginsDir {
  explicit PhotoPluginsDir(int worker_mode) {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("memberd-photo-plugins-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
    for (const char* file : {"credentials.so", "photo.so", "photo-worker"}) {
      if (std::string(file) == "photo-worker" && worker_mode == 0) continue;
      std::filesystem::copy_file(std::filesystem::path(MEMBERD_PLUGINS_DIR) / file, path / file);
    }
    if (worker_mode != 0) std::filesystem::permissions(path / "photo-worker", std::filesystem::perms(worker_mode));
    std::filesystem::permissions(path, std::filesystem::perms(0755));
  }
  ~PhotoPluginsDir() { std::filesystem::remove_all(path); }
  std::filesystem::path path;
};

}  // namespace

TEST_CASE("the photo plugin does not start without a worker program it may trust, and says why", "[photo][hostile]") {
  // A plugins.dir with photo.so, and photo-worker beside it in a given
  // mode (0: absent); the plugin's last_error names the rule broken.
  auto [mode, reason] = GENERATE(table<int, std::string>({
      {0, "no program photo-worker in plugins.dir"},
      {0644, "photo-worker is not executable by the daemon's user"},
      {0775, "is writable by group (mode 0775)"},
  }));
  INFO("photo-worker mode " << std::oct << mode);
  PhotoPluginsDir dir(mode);
  DaemonProcess daemon(with_photo("sqlite", {"plugins.dir=" + dir.path.string()}));
  auto plugins = get(daemon, "/api/v1/admin/plugins", admin(daemon));
  INFO(describe(plugins));
  CHECK(describe(plugins).find(reason) != std::string::npos);
  CHECK(status_of(upload_raw(daemon, "no-token", photos::jpeg(10, 10))) == 404);  // no photo routes
}

TEST_CASE("a worker killed while idle costs no upload, and no worker to start is 503 unavailable", "[photo][hostile]") {
  PhotoPluginsDir dir(0755);
  DaemonProcess daemon(with_photo("sqlite", {"plugins.dir=" + dir.path.string(), "photo.workers=1"}));
  auto account = join(daemon, "idle@example.com");
  auto session = sign_in(daemon, account);
  auto idle = children_of(daemon.pid());
  REQUIRE(idle.size() == 1);  // the one started with the plugin

  kill_and_wait_ended(idle[0]);
  auto res = upload_raw(daemon, session.token, photos::jpeg(300, 300));
  INFO(describe(res));
  CHECK(status_of(res) == 202);
  CHECK_THAT(daemon.output(), Catch::Matchers::Contains("photo worker had ended while idle"));

  // The program is gone from plugins.dir and the worker with it: nothing
  // can decode, and the member is told to come back, not that it failed.
  std::filesystem::remove(dir.path / "photo-worker");
  for (int child : children_of(daemon.pid())) kill_and_wait_ended(child);
  auto refused = upload_raw(daemon, session.token, photos::jpeg(300, 300));
  CHECK_PROBLEM(refused, 503, "unavailable");
  CHECK(retry_after(refused) > 0);
  CHECK_THAT(daemon.output(), Catch::Matchers::Contains("photo worker could not be started"));
  CHECK(daemon.running());
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The load tests compare two times on a shared 2-core machine, where a
// stall of a second (another test's hashing) can land on the small upload
// alone (a CI run saw a 600x400 JPEG take 1.3 s). The bugs they catch make
// every attempt slow, so a second attempt tells a stall from them.
constexpr int kTimingAttempts = 2;

// 49 megapixels of canvas in 40-odd bytes: issue 27, L2's upload.
const std::string& large_canvas_gif() {
  static const std::string gif = photos::gif_large_canvas(7000, 7000);
  return gif;
}

// Uploads `bytes` for each token at once, from a thread each; the statuses
// arrive in `statuses` and `total` is how long until the last answered.
struct Burst {
  std::vector<std::future<int>> answers;
  Clock::time_point started = Clock::now();
  Burst(const DaemonProcess& d, const std::vector<std::string>& tokens, const std::string& bytes) {
    for (const auto& token : tokens)
      answers.push_back(std::async(std::launch::async, [&d, token, &bytes] {
        return status_of(upload_raw(d, token, bytes, "image/gif"));
      }));
  }
  std::vector<int> statuses;
  double total = 0;
  void wait() {
    for (auto& answer : answers) statuses.push_back(answer.get());
    total = seconds_since(started);
  }
};

}  // namespace

// Issue 27, L2: one member's six 49-megapixel GIFs (each seconds of work to
// decode) held both workers and the queue, and another member's small JPEG
// waited behind all of them (0.1 s became 17.9 s).
TEST_CASE("another member's upload stays fast while one member floods large-canvas GIFs", "[photo][load]") {
  for (int attempt = 1; attempt <= kTimingAttempts; ++attempt) {
    INFO("attempt " << attempt);
    DaemonProcess daemon(with_photo("sqlite", {"photo.workers=2", "photo.queue=8", "photo.time_limit=60s"}));
    auto flooder = sign_in(daemon, join(daemon, "flooder@example.com"));
    auto other = sign_in(daemon, join(daemon, "patient@example.com"));

    Burst flood(daemon, std::vector<std::string>(6, flooder.token), large_canvas_gif());
    busy_worker(daemon.pid());  // the flood is decoding
    auto started = Clock::now();
    auto small = upload_raw(daemon, other.token, photos::jpeg(600, 400));
    double small_seconds = seconds_since(started);
    flood.wait();
    INFO(describe(small));
    CHECK(status_of(small) == 202);
    INFO("the small JPEG took " << small_seconds << " s, the flood " << flood.total << " s");
    CAPTURE(flood.statuses);
    // The member's others were refused at once, not queued.
    CHECK(std::count(flood.statuses.begin(), flood.statuses.end(), 429) == 5);
    // Before the fix the JPEG waited for three rounds of two GIFs: about the
    // flood's whole time. Now it takes a worker the flood may not have.
    bool went_ahead = small_seconds * 4 < flood.total;
    if (!went_ahead && attempt < kTimingAttempts) continue;  // a stall, or the bug: once more
    CHECK(went_ahead);
    break;
  }
}

TEST_CASE("large decodes from several members wait for the pixel budget while a small upload goes ahead",
          "[photo][load]") {
  for (int attempt = 1; attempt <= kTimingAttempts; ++attempt) {
    INFO("attempt " << attempt);
    // Two 49 MP canvases do not fit the default budget (64 MP) together.
    DaemonProcess daemon(with_photo("sqlite", {"photo.workers=2", "photo.queue=8", "photo.time_limit=60s"}));
    std::vector<std::string> heavy = {sign_in(daemon, join(daemon, "heavy1@example.com")).token,
                                      sign_in(daemon, join(daemon, "heavy2@example.com")).token};
    auto other = sign_in(daemon, join(daemon, "light@example.com"));

    Burst gifs(daemon, heavy, large_canvas_gif());
    busy_worker(daemon.pid());
    auto started = Clock::now();
    auto small = upload_raw(daemon, other.token, photos::jpeg(600, 400));
    double small_seconds = seconds_since(started);
    gifs.wait();
    INFO(describe(small));
    CHECK(status_of(small) == 202);
    INFO("the small JPEG took " << small_seconds << " s, the two GIFs " << gifs.total << " s");
    CAPTURE(gifs.statuses);
    CHECK(gifs.statuses == std::vector<int>{202, 202});  // both decoded, one after the other
    // Counting uploads alone, both GIFs held both workers and the JPEG waited
    // for one of them (about the GIFs' whole time); by pixels the second GIF
    // waits without a worker, and the JPEG takes it.
    bool went_ahead = small_seconds * 4 < gifs.total;
    if (!went_ahead && attempt < kTimingAttempts) continue;  // a stall, or the bug: once more
    CHECK(went_ahead);
    break;
  }
}

TEST_CASE("a member's second upload while the first is processed is refused with Retry-After", "[photo][load]") {
  DaemonProcess daemon(with_photo("sqlite", {"photo.workers=2", "photo.time_limit=60s"}));
  auto member = sign_in(daemon, join(daemon, "eager@example.com"));
  auto other = sign_in(daemon, join(daemon, "calm@example.com"));

  auto first = std::async(std::launch::async, [&] { return upload_raw(daemon, member.token, large_canvas_gif()); });
  busy_worker(daemon.pid());
  auto second = upload_raw(daemon, member.token, photos::jpeg(300, 300));
  CHECK_PROBLEM(second, 429, "upload_in_progress");
  CHECK(retry_after(second) > 0);
  // Another member is not held up by it.
  CHECK(status_of(upload_raw(daemon, other.token, photos::jpeg(300, 300))) == 202);
  CHECK(status_of(first.get()) == 202);
  // Once the first has ended, the member may upload again.
  CHECK(status_of(upload_raw(daemon, member.token, photos::jpeg(300, 300))) == 202);
}

TEST_CASE("a member's uploads per hour are limited across daemons on one PostgreSQL", "[photo][postgresql]") {
  ScratchPostgres database;
  DaemonOptions options = with_photo("postgresql", {"photo.uploads_per_hour=2"});
  options.database_url = database.url();
  DaemonProcess first(options);
  DaemonProcess second(options);
  auto member = sign_in(first, join(first, "hourly@example.com"));
  auto other = sign_in(first, join(first, "another@example.com"));

  CHECK(status_of(upload_raw(first, member.token, photos::jpeg(300, 300))) == 202);
  CHECK(status_of(upload_raw(second, member.token, photos::jpeg(300, 300))) == 202);
  auto third = upload_raw(first, member.token, photos::jpeg(300, 300));
  CHECK_PROBLEM(third, 429, "rate_limited");
  CHECK(retry_after(third) > 0);
  CHECK(body_of(third)["detail"].get<std::string>().find("2 photos in the last hour") != std::string::npos);
  CHECK_PROBLEM(upload_raw(second, member.token, photos::jpeg(300, 300)), 429, "rate_limited");
  // Refusals that cost nothing to decide do not count: a file that is no
  // picture is still told so.
  CHECK_PROBLEM(upload_raw(first, member.token, "GIF? no"), 415, "unsupported_type");
  CHECK(status_of(upload_raw(first, other.token, photos::jpeg(300, 300))) == 202);
}

TEST_CASE("the photo plugin tells the console how to show its kind", "[photo][reviews][ui]") {
  DaemonProcess daemon(with_photo("sqlite"));
  auto listed = body_of(get(daemon, "/api/v1/admin/reviews/kinds", admin(daemon)));
  REQUIRE(listed["kinds"].size() == 1);
  const auto& kind = listed["kinds"][0];
  CHECK(kind["kind"] == "photo");
  CHECK(kind["title"] == "Photo");
  CHECK(kind["reject_reasons"].size() == 4);
  const std::string module = kind["module"];
  REQUIRE(module.rfind("/console/plugins/photo/review-photo.js?v=", 0) == 0);
  REQUIRE(kind["styles"].size() == 1);
  const std::string style = kind["styles"][0];
  CHECK(style.rfind("/console/plugins/photo/review-photo.css?v=", 0) == 0);
  auto served = get(daemon, module.substr(0, module.find('?')));
  REQUIRE(status_of(served) == 200);
  CHECK(served->body.find("export function thumbnail") != std::string::npos);
  CHECK(status_of(get(daemon, style.substr(0, style.find('?')))) == 200);
}

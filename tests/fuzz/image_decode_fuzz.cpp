// The decode itself, as the photo worker (plugins/photo/worker/) runs it:
// libvips locked down to the four loaders, the header and GIF geometry
// checks, one small rendition as JPEG and WebP with metadata removed. In
// production this runs sandboxed, so a bug here costs one upload; here
// ASan and UBSan make it a finding (issue 26, F1 was one).
//
// Checked: an answer is either a problem with no renditions, or both
// renditions of the one size, each a JPEG or WebP by its own magic.
#include "image_pipeline.hpp"

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  memberd::photo::lock_down_libvips();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace memberd::photo;
  RenderSettings settings;
  settings.sizes = {{"small", 32}};
  settings.max_pixels = 4'000'000;  // bounded work per input
  settings.time_limit = std::chrono::milliseconds(2000);
  RenderedPhoto out = render_photo(memberd::fuzz::text_of(data, size), settings);
  if (out.problem) {
    FUZZ_CHECK(out.renditions.empty());
    return 0;
  }
  FUZZ_CHECK(out.renditions.size() == 2);
  for (const auto& r : out.renditions) {
    FUZZ_CHECK(r.edge == 32);
    FUZZ_CHECK(sniff_format(r.bytes) == (r.format == "jpeg" ? ImageFormat::jpeg : ImageFormat::webp));
  }
  return 0;
}

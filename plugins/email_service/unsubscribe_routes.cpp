// One-click unsubscribe (RFC 8058), without a session:
//   POST /api/v1/email/unsubscribe?token=  unsubscribes (what mail clients send:
//                                          body "List-Unsubscribe=One-Click")
//   GET  /api/v1/email/unsubscribe?token=  never unsubscribes (mail scanners follow
//                                          links): a browser is sent to the
//                                          confirmation page, whose button POSTs;
//                                          anyone else gets what the link is for.
#include "category_message.hpp"
#include "routes.hpp"
#include "subscriptions.hpp"
#include "unsubscribe_links.hpp"

#include <memberd/json.hpp>
#include <memberd/problem.hpp>

namespace memberd::email_service {

namespace {

// A token only ever holds these; anything else is refused before it is
// looked up or echoed into a Location header.
bool plausible_token(const std::string& token) {
  return !token.empty() && token.size() <= 200 &&
         token.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._-") ==
             std::string::npos;
}

// "j•••@example.com": enough for the member to recognise the address, not
// enough to hand it to whoever holds the link.
std::string masked(const std::string& email) {
  auto at = email.find('@');
  if (at == std::string::npos || at == 0) return "•••";
  return email.substr(0, 1) + "•••" + email.substr(at);
}

struct Subscription {
  UnsubscribeClaim claim;
  const Category* category = nullptr;
  Member member;
  bool subscribed = false;
};

Result<Subscription> subscription_of(Context& ctx, UnitOfWork& work, const std::string& token) {
  auto claim = check_unsubscribe_token(ctx, work, token);
  if (!claim) return claim.failure();
  Subscription s{*claim};
  s.category = ctx.settings.category(claim->category_id);
  auto member = ctx.host.accounts().find_by_id(work, claim->member_id);
  if (!s.category || (!member && member.failure().refusal == Refusal::not_found))
    return Failure{Refusal::gone, {}, "This mail list or account no longer exists: there is nothing to unsubscribe from."};
  if (!member) return member.failure();
  s.member = *member;
  auto choices = recorded_choices(work, claim->member_id);
  if (!choices) return choices.failure();
  s.subscribed = is_subscribed(*choices, *s.category);
  return s;
}

nlohmann::json describe(const Subscription& s) {
  return {{"category", {{"id", s.category->id}, {"label", s.category->label}}},
          {"email", masked(s.member.email)},
          {"subscribed", s.subscribed}};
}

Response show_link(Context& ctx, const Request& req) {
  auto token = req.query("token").value_or("");
  auto accept = req.header("Accept").value_or("");
  if (accept.find("text/html") != std::string::npos) {
    Response r;
    r.status = 303;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "See the confirmation page.\n";
    r.headers.emplace_back("Location", confirmation_page_url(ctx, plausible_token(token) ? token : ""));
    return r;
  }
  if (!plausible_token(token))
    return problem(404, "not_found", "Not found", "This unsubscribe link is not valid. Sign in to change the mail you get.");
  auto s = subscription_of(ctx, req.work(), token);
  if (!s) return refusal_problem(s.failure());
  return json_response(200, describe(*s));
}

Response unsubscribe(Context& ctx, const Request& req) {
  auto token = req.query("token").value_or("");
  if (!plausible_token(token))
    return problem(404, "not_found", "Not found", "This unsubscribe link is not valid. Sign in to change the mail you get.");
  auto& work = req.work();
  auto s = subscription_of(ctx, work, token);
  if (!s) return refusal_problem(s.failure());
  if (s->subscribed) {
    auto tx = WriteTransaction::open(work);
    if (!tx) return refusal_problem(tx.failure());
    MEMBERD_TRY(record_choice(work, s->member.member_id, s->category->id, false, ctx.host.clock().unix_now(),
                              "unsubscribe_link"));
    MEMBERD_TRY(ctx.host.events().publish(work, "email.subscriptions_changed",
                                          {{"member_id", s->member.member_id},
                                           {"changes", {{s->category->id, false}}},
                                           {"by", "unsubscribe_link"},
                                           {"ip", req.client_ip()}}));
    MEMBERD_TRY(tx->commit());
    s->subscribed = false;
  }
  // Again is no error: a mail client may post twice, a member may click twice.
  return json_response(200, describe(*s));
}

}  // namespace

void add_unsubscribe_routes(Context& ctx) {
  ctx.host.add_route({"GET", "/api/v1/email/unsubscribe", Access::anyone, Body::none,
                      [&ctx](const Request& r) { return show_link(ctx, r); }});
  // Body::raw: mail clients post a form body, which is not looked at.
  ctx.host.add_route({"POST", "/api/v1/email/unsubscribe", Access::anyone, Body::raw,
                      [&ctx](const Request& r) { return unsubscribe(ctx, r); }});
}

}  // namespace memberd::email_service

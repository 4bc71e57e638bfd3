#pragma once
// A QR code as an SVG image, drawn here from libqrencode's modules: the page
// shows it inline, with no script and no CDN.
#include <string>
#include <string_view>

namespace memberd::two_step {

// `text` (an otpauth:// URI) at error correction level M, one <path> of
// dark modules on a white square with the quiet zone the standard asks for.
// Throws std::runtime_error when libqrencode cannot encode it.
std::string qr_svg(std::string_view text);

}  // namespace memberd::two_step

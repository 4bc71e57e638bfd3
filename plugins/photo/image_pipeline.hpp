#pragma once
// Everything the photo worker (worker/) does with pixels, through libvips:
// whether an upload is small enough to decode (from the header, before any
// decoding), and the square renditions with every piece of metadata
// removed. An upload is hostile input: libvips is locked down to the JPEG,
// PNG, WebP and GIF loaders before anything is loaded (lock_down_libvips),
// and this code runs only inside the worker process, never in the daemon.
#include "image_types.hpp"

namespace memberd::photo {

// Starts libvips once per process (it must never be shut down: a second
// start after a shutdown crashes) and blocks every
// loader but the four, and every operation libvips marks untrusted. Bounds
// its operation cache (nothing is reused between uploads) and its threads
// per image (the plugin decides how many workers run at once).
// Throws std::runtime_error when libvips cannot start.
void lock_down_libvips();

// Decides the format, checks the header's pixel count (for a GIF, the
// canvas its frames span: check_gif_geometry), then renders every
// size: auto-oriented by its EXIF orientation, the first frame only,
// colour converted to sRGB from any embedded ICC profile, flattened onto
// white, centre-cropped square, saved as JPEG and WebP with no EXIF, XMP,
// IPTC, ICC or comment. Blocks for the whole work (tens of ms for a 2 MP
// JPEG). Never throws for bad input: the problem says what was wrong.
RenderedPhoto render_photo(std::string_view bytes, const RenderSettings& settings);

}  // namespace memberd::photo

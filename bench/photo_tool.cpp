// What bench/photo.sh needs that curl cannot do:
//
//   memberd-bench-photo jpeg WIDTH HEIGHT OUT   a camera-like JPEG (noise over gradients, quality 90)
//
// Noise keeps the file as large as a real photo of that size (a flat
// colour would compress to nothing and decode in no time).
#include <vips/vips8>

#include <cstdio>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 5 || std::string(argv[1]) != "jpeg") {
    std::cerr << "usage: memberd-bench-photo jpeg WIDTH HEIGHT OUT\n";
    return 64;
  }
  if (VIPS_INIT(argv[0])) return 1;
  int width = std::stoi(argv[2]), height = std::stoi(argv[3]);
  try {
    vips::VImage x = vips::VImage::xyz(width, height)[0], y = vips::VImage::xyz(width, height)[1];
    vips::VImage image = (x * (255.0 / width)).bandjoin(y * (255.0 / height)).bandjoin((x + y) * (127.0 / (width + height)));
    image = (image + vips::VImage::gaussnoise(width, height, vips::VImage::option()->set("sigma", 24.0)))
                .cast(VIPS_FORMAT_UCHAR)
                .copy(vips::VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
    image.write_to_file(argv[4], vips::VImage::option()->set("Q", 90));
  } catch (const vips::VError& e) {
    std::cerr << "memberd-bench-photo: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

/* networks.c: the layer lists of networks.h, batch 1, written from
 * torchvision's resnet.py (Bottleneck with the stride on its 3x3, as
 * torchvision's ResNet v1.5; BasicBlock for ResNet-18), vgg.py
 * (configuration D) and mobilenetv2.py, and the notebooks' two layers. */
#include "networks.h"

#include <string.h>

#define L(cin, hw, cout, k, pad, stride, count)                                \
  { 1, cin, hw, hw, cout, k, k, pad, stride, 1, count }

/* ResNet-50: 53 convolutions, 23 distinct. */
static const network_layer resnet50[] = {
    L(3, 224, 64, 7, 3, 2, 1), /* stem */
    /* layer1, 56x56 */
    L(64, 56, 64, 1, 0, 1, 1),
    L(64, 56, 64, 3, 1, 1, 3),
    L(64, 56, 256, 1, 0, 1, 4), /* three expansions and the downsample */
    L(256, 56, 64, 1, 0, 1, 2),
    /* layer2, 28x28 */
    L(256, 56, 128, 1, 0, 1, 1),
    L(128, 56, 128, 3, 1, 2, 1),
    L(128, 28, 512, 1, 0, 1, 4),
    L(256, 56, 512, 1, 0, 2, 1),
    L(512, 28, 128, 1, 0, 1, 3),
    L(128, 28, 128, 3, 1, 1, 3),
    /* layer3, 14x14 */
    L(512, 28, 256, 1, 0, 1, 1),
    L(256, 28, 256, 3, 1, 2, 1),
    L(256, 14, 1024, 1, 0, 1, 6),
    L(512, 28, 1024, 1, 0, 2, 1),
    L(1024, 14, 256, 1, 0, 1, 5),
    L(256, 14, 256, 3, 1, 1, 5),
    /* layer4, 7x7 */
    L(1024, 14, 512, 1, 0, 1, 1),
    L(512, 14, 512, 3, 1, 2, 1),
    L(512, 7, 2048, 1, 0, 1, 3),
    L(1024, 14, 2048, 1, 0, 2, 1),
    L(2048, 7, 512, 1, 0, 1, 2),
    L(512, 7, 512, 3, 1, 1, 2),
};

/* ResNet-18: 20 convolutions, 11 distinct. */
static const network_layer resnet18[] = {
    L(3, 224, 64, 7, 3, 2, 1),   L(64, 56, 64, 3, 1, 1, 4),
    L(64, 56, 128, 3, 1, 2, 1),  L(64, 56, 128, 1, 0, 2, 1),
    L(128, 28, 128, 3, 1, 1, 3), L(128, 28, 256, 3, 1, 2, 1),
    L(128, 28, 256, 1, 0, 2, 1), L(256, 14, 256, 3, 1, 1, 3),
    L(256, 14, 512, 3, 1, 2, 1), L(256, 14, 512, 1, 0, 2, 1),
    L(512, 7, 512, 3, 1, 1, 3),
};

/* VGG-16: 13 convolutions, 9 distinct, every one 3x3 with padding 1. */
static const network_layer vgg16[] = {
    L(3, 224, 64, 3, 1, 1, 1),   L(64, 224, 64, 3, 1, 1, 1),
    L(64, 112, 128, 3, 1, 1, 1), L(128, 112, 128, 3, 1, 1, 1),
    L(128, 56, 256, 3, 1, 1, 1), L(256, 56, 256, 3, 1, 1, 2),
    L(256, 28, 512, 3, 1, 1, 1), L(512, 28, 512, 3, 1, 1, 2),
    L(512, 14, 512, 3, 1, 1, 3),
};

/* A depthwise 3x3 convolution (padding 1) of @p c channels. */
#define DW(c, hw, stride, count)                                               \
  { 1, c, hw, hw, c, 3, 3, 1, stride, c, count }

/* MobileNet V2 (torchvision's mobilenet_v2): 52 convolutions, 30 distinct:
 * the stem, then inverted residual blocks (a 1x1 expansion, a depthwise
 * 3x3, a 1x1 projection; the first block has no expansion), then the last
 * 1x1. */
static const network_layer mobilenet_v2[] = {
    L(3, 224, 32, 3, 1, 2, 1), /* stem */
    DW(32, 112, 1, 1),           L(32, 112, 16, 1, 0, 1, 1),
    L(16, 112, 96, 1, 0, 1, 1),  DW(96, 112, 2, 1),
    L(96, 56, 24, 1, 0, 1, 1),   L(24, 56, 144, 1, 0, 1, 2),
    DW(144, 56, 1, 1),           L(144, 56, 24, 1, 0, 1, 1),
    DW(144, 56, 2, 1),           L(144, 28, 32, 1, 0, 1, 1),
    L(32, 28, 192, 1, 0, 1, 3),  DW(192, 28, 1, 2),
    L(192, 28, 32, 1, 0, 1, 2),  DW(192, 28, 2, 1),
    L(192, 14, 64, 1, 0, 1, 1),  L(64, 14, 384, 1, 0, 1, 4),
    DW(384, 14, 1, 4),           L(384, 14, 64, 1, 0, 1, 3),
    L(384, 14, 96, 1, 0, 1, 1),  L(96, 14, 576, 1, 0, 1, 3),
    DW(576, 14, 1, 2),           L(576, 14, 96, 1, 0, 1, 2),
    DW(576, 14, 2, 1),           L(576, 7, 160, 1, 0, 1, 1),
    L(160, 7, 960, 1, 0, 1, 3),  DW(960, 7, 1, 3),
    L(960, 7, 160, 1, 0, 1, 2),  L(960, 7, 320, 1, 0, 1, 1),
    L(320, 7, 1280, 1, 0, 1, 1),
};

/* The notebooks' layers: the edge detector's 1x2 kernel on the 6x8 image,
 * and the padding and stride section's 3x3 kernel with padding 1, stride 2
 * on an 8x8 input. */
static const network_layer notebook[] = {
    {1, 1, 6, 8, 1, 1, 2, 0, 1, 1, 1},
    {1, 1, 8, 8, 1, 3, 3, 1, 2, 1, 1},
};

static const network networks[] = {
    {"notebook", notebook, (int)(sizeof notebook / sizeof notebook[0])},
    {"resnet18", resnet18, (int)(sizeof resnet18 / sizeof resnet18[0])},
    {"resnet50", resnet50, (int)(sizeof resnet50 / sizeof resnet50[0])},
    {"vgg16", vgg16, (int)(sizeof vgg16 / sizeof vgg16[0])},
    {"mobilenet_v2", mobilenet_v2,
     (int)(sizeof mobilenet_v2 / sizeof mobilenet_v2[0])},
};

const network *network_find(const char *name) {
  for (size_t i = 0; i < sizeof networks / sizeof networks[0]; i++)
    if (strcmp(networks[i].name, name) == 0)
      return &networks[i];
  return NULL;
}

void network_layer_shapes(const network_layer *l, int64_t x_dims[4],
                          int64_t w_dims[4], clconv_corr2d_params *params) {
  const int64_t x[4] = {l->n, l->cin, l->h, l->w};
  const int64_t w[4] = {l->cout, l->cin / l->groups, l->kh, l->kw};
  memcpy(x_dims, x, sizeof x);
  memcpy(w_dims, w, sizeof w);
  *params = clconv_corr2d_params_default();
  params->pad_h = params->pad_w = l->pad;
  params->stride_h = params->stride_w = l->stride;
  params->groups = l->groups;
}

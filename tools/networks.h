/* networks.h: the distinct convolution layers of well-known networks, as
 * torchvision builds them for a 224x224 input, each with how often it
 * occurs: what `clconv bench --cold` and `clconv prepare` walk through. */
#ifndef CLCONV_TOOL_NETWORKS_H
#define CLCONV_TOOL_NETWORKS_H

#include "clconv.h"

#include <stdint.h>

/* One distinct layer: input (N, Cin, H, W), Cout filters of KH x KW,
 * padding, stride, groups; @p count layers of the network have it. */
typedef struct network_layer {
  int64_t n, cin, h, w, cout, kh, kw, pad, stride, groups;
  int count;
} network_layer;

typedef struct network {
  const char *name;
  const network_layer *layers;
  int layer_count;
} network;

/* The network named @p name (NETWORK_NAMES), or NULL. */
const network *network_find(const char *name);

/* The input and weight dimensions of @p l and its parameters. */
void network_layer_shapes(const network_layer *l, int64_t x_dims[4],
                          int64_t w_dims[4], clconv_corr2d_params *params);

/* The names network_find knows, for messages. */
#define NETWORK_NAMES "notebook, resnet18, resnet50, vgg16, mobilenet_v2"

#endif

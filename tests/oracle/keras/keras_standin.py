"""A shape-only stand-in for Keras 2.2.4, for running keras_applications builders.

Test oracle only (zoobench never imports it). Debian ships python3-keras-applications
1.0.8 but no Keras and no TensorFlow. The builders take their Keras modules as keyword
arguments (backend=, layers=, models=, utils=); this file provides those four modules
with just enough of Keras 2.2.4 to build each model's graph without any numbers:

  - layer auto-naming as keras/engine/base_layer.py does it: snake_case(class name) +
    '_' + a per-class-name counter (K.get_uid), so `conv2d_1`, `batch_normalization_3`,
    `re_lu_2`; Input layers are `input_N`;
  - output-shape inference for every layer the 13 ImageNet models use;
  - the weights each layer would create (names and shapes, in Keras order) as
    `Layer.weight_specs`, with TF1-style name scopes (K.name_scope) prefixed;
  - `Model.layers` in the order keras/engine/network.py `_map_graph_network` computes
    (layers grouped by decreasing depth, ties by first DFS visit from the outputs);
  - `Model.get_config()` / `Model.to_json()` in the Keras 2.2.4 format.

Usage:
    import keras_standin as ks
    ks.reset()                       # fresh uid counters, as a new Keras session
    m = keras_applications.mobilenet.MobileNet(weights=None, **ks.modules())
    m.to_json(); m.layers; m.weight_specs()
"""
import codecs
import collections
import contextlib
import json
import marshal
import re
import types

import numpy as np

KERAS_VERSION = '2.2.4'


# ----------------------------------------------------------------------------- state

class _Session:
    def __init__(self):
        self.uids = collections.defaultdict(int)
        self.data_format = 'channels_last'
        self.scope = []                                   # current name-scope stack
        self.scope_names = collections.defaultdict(int)   # full scope path -> uses


_S = _Session()


def reset():
    """Start a fresh session: uid counters and name scopes back to zero."""
    global _S
    _S = _Session()


def get_uid(prefix=''):
    _S.uids[prefix] += 1
    return _S.uids[prefix]


def _to_snake_case(name):
    inter = re.sub('(.)([A-Z][a-z0-9]+)', r'\1_\2', name)
    insecure = re.sub('([a-z])([A-Z])', r'\1_\2', inter).lower()
    if insecure[0] != '_':
        return insecure
    return 'private' + insecure


@contextlib.contextmanager
def name_scope(name):
    """TF1 tf.name_scope: a name reused under the same parent gets _1, _2, ..."""
    parent = '/'.join(_S.scope)
    key = parent + '/' + name
    n = _S.scope_names[key]
    _S.scope_names[key] += 1
    unique = name if n == 0 else '%s_%d' % (name, n)
    _S.scope.append(unique)
    try:
        yield '/'.join(_S.scope) + '/'
    finally:
        _S.scope.pop()


# ----------------------------------------------------------------------------- tensors

class KerasTensor:
    """A symbolic tensor: only its static shape and where it came from."""

    def __init__(self, shape, history):
        self._keras_shape = tuple(shape)
        self._keras_history = history       # (layer, node_index, tensor_index)

    @property
    def shape(self):
        return self._keras_shape

    def __repr__(self):
        return '<KerasTensor %s from %s>' % (self._keras_shape,
                                              self._keras_history[0].name)


class Node:
    def __init__(self, outbound_layer, inbound_layers, node_indices, tensor_indices,
                 input_tensors, output_tensors, arguments):
        self.outbound_layer = outbound_layer
        self.inbound_layers = inbound_layers
        self.node_indices = node_indices
        self.tensor_indices = tensor_indices
        self.input_tensors = input_tensors
        self.output_tensors = output_tensors
        self.arguments = arguments
        for layer in inbound_layers:
            layer._outbound_nodes.append(self)
        outbound_layer._inbound_nodes.append(self)


# ----------------------------------------------------------------------------- helpers

def _normalize_tuple(value, n, what):
    if isinstance(value, int):
        return (value,) * n
    value = tuple(value)
    if len(value) != n or not all(isinstance(v, int) for v in value):
        raise ValueError('The `%s` argument must be a tuple of %d integers: %r'
                         % (what, n, value))
    return value


def _normalize_padding(value):
    padding = value.lower()
    if padding not in ('valid', 'same', 'causal'):
        raise ValueError('bad padding %r' % value)
    return padding


def _normalize_data_format(value):
    if value is None:
        value = _S.data_format
    if value not in ('channels_first', 'channels_last'):
        raise ValueError('bad data_format %r' % value)
    return value


def _conv_output_length(length, filter_size, padding, stride, dilation=1):
    if length is None:
        return None
    dilated = filter_size + (filter_size - 1) * (dilation - 1)
    if padding == 'same':
        out = length
    elif padding == 'valid':
        out = length - dilated + 1
    else:
        raise ValueError(padding)
    return (out + stride - 1) // stride


_ACTIVATIONS = {'linear', 'relu', 'softmax', 'sigmoid', 'tanh', 'elu', 'selu',
                'softplus', 'softsign', 'hard_sigmoid', 'exponential'}


def _activation(name):
    if name is None:
        return 'linear'
    if name not in _ACTIVATIONS:
        raise ValueError('activation %r is not modelled by the stand-in' % name)
    return name


_INITIALIZERS = {
    'glorot_uniform': ('VarianceScaling', {'scale': 1.0, 'mode': 'fan_avg',
                                           'distribution': 'uniform', 'seed': None}),
    'glorot_normal': ('VarianceScaling', {'scale': 1.0, 'mode': 'fan_avg',
                                          'distribution': 'normal', 'seed': None}),
    'he_normal': ('VarianceScaling', {'scale': 2.0, 'mode': 'fan_in',
                                      'distribution': 'normal', 'seed': None}),
    'he_uniform': ('VarianceScaling', {'scale': 2.0, 'mode': 'fan_in',
                                       'distribution': 'uniform', 'seed': None}),
    'zeros': ('Zeros', {}),
    'ones': ('Ones', {}),
}


def _initializer(name):
    if name not in _INITIALIZERS:
        raise ValueError('initializer %r is not modelled by the stand-in' % name)
    cls, cfg = _INITIALIZERS[name]
    return {'class_name': cls, 'config': dict(cfg)}


def _none_only(kind, value):
    if value is not None:
        raise ValueError('%s %r is not modelled by the stand-in' % (kind, value))
    return None


# ----------------------------------------------------------------------------- layers

class Layer:
    _allowed_kwargs = {'input_shape', 'batch_input_shape', 'batch_size', 'dtype',
                       'name', 'trainable', 'weights', 'input_dtype'}

    def __init__(self, **kwargs):
        for k in kwargs:
            if k not in self._allowed_kwargs:
                raise TypeError('Keyword argument not understood: ' + k)
        for k in ('input_shape', 'batch_input_shape', 'weights'):
            if k in kwargs:
                raise ValueError('%s= is not modelled by the stand-in' % k)
        name = kwargs.get('name')
        if not name:
            prefix = self.__class__.__name__
            name = _to_snake_case(prefix) + '_' + str(get_uid(prefix))
        self.name = name
        self.trainable = kwargs.get('trainable', True)
        self._inbound_nodes = []
        self._outbound_nodes = []
        self.built = False
        self.weight_specs = []            # [(full weight name, shape tuple)]
        self._weight_prefix = name + '/'

    # Keras order: the order of add_weight calls (trainable first where Keras
    # lists trainable_weights + non_trainable_weights; BN creates them in order).
    def add_weight(self, name, shape):
        self.weight_specs.append((self._weight_prefix + name + ':0',
                                  tuple(int(s) for s in shape)))

    def build(self, input_shape):
        pass

    def compute_output_shape(self, input_shape):
        return input_shape

    def __call__(self, inputs, **kwargs):
        in_list = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        for x in in_list:
            if not isinstance(x, KerasTensor):
                raise TypeError('layer %s called on a non-Keras tensor %r'
                                % (self.name, x))
        shapes = [x._keras_shape for x in in_list]
        shape_arg = shapes if isinstance(inputs, (list, tuple)) else shapes[0]
        with name_scope(self.name) as prefix:
            if not self.built:
                self._weight_prefix = prefix
                self.build(shape_arg)
                self.built = True
        out_shape = tuple(self.compute_output_shape(shape_arg))
        node_index = len(self._inbound_nodes)
        out = KerasTensor(out_shape, (self, node_index, 0))
        Node(self,
             inbound_layers=[x._keras_history[0] for x in in_list],
             node_indices=[x._keras_history[1] for x in in_list],
             tensor_indices=[x._keras_history[2] for x in in_list],
             input_tensors=in_list, output_tensors=[out],
             arguments=dict(kwargs))
        return out

    def get_config(self):
        return {'name': self.name, 'trainable': self.trainable}

    def _with_base(self, config):
        base = Layer.get_config(self)
        return dict(list(base.items()) + list(config.items()))


class InputLayer(Layer):
    def __init__(self, batch_input_shape, name=None, dtype='float32', sparse=False):
        if not name:
            name = 'input_' + str(get_uid('input'))
        Layer.__init__(self, name=name)
        self.trainable = False
        self.built = True
        self.batch_input_shape = tuple(batch_input_shape)
        self.dtype = dtype
        self.sparse = sparse
        out = KerasTensor(self.batch_input_shape, (self, 0, 0))
        Node(self, [], [], [], [out], [out], {})

    def get_config(self):
        return {'batch_input_shape': self.batch_input_shape, 'dtype': self.dtype,
                'sparse': self.sparse, 'name': self.name}


def Input(shape=None, batch_shape=None, name=None, dtype=None, sparse=False,
          tensor=None):
    if tensor is not None:
        raise ValueError('Input(tensor=...) is not modelled by the stand-in')
    if batch_shape is None:
        if shape is None:
            raise ValueError('Input needs shape= or batch_shape=')
        batch_shape = (None,) + tuple(shape)
    layer = InputLayer(batch_input_shape=batch_shape, name=name,
                       dtype=dtype or 'float32', sparse=sparse)
    return layer._inbound_nodes[0].output_tensors[0]


class _Conv(Layer):
    def __init__(self, rank, filters, kernel_size, strides=1, padding='valid',
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        Layer.__init__(self, **kwargs)
        self.rank = rank
        self.filters = filters
        self.kernel_size = _normalize_tuple(kernel_size, rank, 'kernel_size')
        self.strides = _normalize_tuple(strides, rank, 'strides')
        self.padding = _normalize_padding(padding)
        self.data_format = _normalize_data_format(data_format)
        self.dilation_rate = _normalize_tuple(dilation_rate, rank, 'dilation_rate')
        self.activation = _activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = _initializer(kernel_initializer)
        self.bias_initializer = _initializer(bias_initializer)
        self.kernel_regularizer = _none_only('regularizer', kernel_regularizer)
        self.bias_regularizer = _none_only('regularizer', bias_regularizer)
        self.activity_regularizer = _none_only('regularizer', activity_regularizer)
        self.kernel_constraint = _none_only('constraint', kernel_constraint)
        self.bias_constraint = _none_only('constraint', bias_constraint)
        if self.data_format != 'channels_last':
            raise ValueError('the stand-in models channels_last only')

    def _channels(self, input_shape):
        c = input_shape[-1]
        if c is None:
            raise ValueError('%s: the channel dimension must be known' % self.name)
        return c

    def build(self, input_shape):
        cin = self._channels(input_shape)
        self.add_weight('kernel', self.kernel_size + (cin, self.filters))
        if self.use_bias:
            self.add_weight('bias', (self.filters,))

    def _spatial_out(self, input_shape):
        return tuple(_conv_output_length(input_shape[1 + i], self.kernel_size[i],
                                         self.padding, self.strides[i],
                                         self.dilation_rate[i])
                     for i in range(self.rank))

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._spatial_out(input_shape) + (self.filters,)

    def get_config(self):
        return self._with_base({
            'filters': self.filters,
            'kernel_size': self.kernel_size,
            'strides': self.strides,
            'padding': self.padding,
            'data_format': self.data_format,
            'dilation_rate': self.dilation_rate,
            'activation': self.activation,
            'use_bias': self.use_bias,
            'kernel_initializer': self.kernel_initializer,
            'bias_initializer': self.bias_initializer,
            'kernel_regularizer': self.kernel_regularizer,
            'bias_regularizer': self.bias_regularizer,
            'activity_regularizer': self.activity_regularizer,
            'kernel_constraint': self.kernel_constraint,
            'bias_constraint': self.bias_constraint,
        })


class Conv2D(_Conv):
    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid',
                 data_format=None, dilation_rate=(1, 1), activation=None,
                 use_bias=True, kernel_initializer='glorot_uniform',
                 bias_initializer='zeros', kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        _Conv.__init__(self, 2, filters, kernel_size, strides, padding, data_format,
                       dilation_rate, activation, use_bias, kernel_initializer,
                       bias_initializer, kernel_regularizer, bias_regularizer,
                       activity_regularizer, kernel_constraint, bias_constraint,
                       **kwargs)


class SeparableConv2D(_Conv):
    def __init__(self, filters, kernel_size, strides=(1, 1), padding='valid',
                 data_format=None, dilation_rate=(1, 1), depth_multiplier=1,
                 activation=None, use_bias=True,
                 depthwise_initializer='glorot_uniform',
                 pointwise_initializer='glorot_uniform', bias_initializer='zeros',
                 depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None,
                 bias_constraint=None, **kwargs):
        # Keras passes **kwargs on to _Conv, so kernel_initializer= is accepted
        # (NASNet gives 'he_normal') and then left out of the config.
        kernel_initializer = kwargs.pop('kernel_initializer', 'glorot_uniform')
        _Conv.__init__(self, 2, filters, kernel_size, strides, padding, data_format,
                       dilation_rate, activation, use_bias, kernel_initializer,
                       bias_initializer, None, bias_regularizer,
                       activity_regularizer, None, bias_constraint, **kwargs)
        self.depth_multiplier = depth_multiplier
        self.depthwise_initializer = _initializer(depthwise_initializer)
        self.pointwise_initializer = _initializer(pointwise_initializer)
        self.depthwise_regularizer = _none_only('regularizer', depthwise_regularizer)
        self.pointwise_regularizer = _none_only('regularizer', pointwise_regularizer)
        self.depthwise_constraint = _none_only('constraint', depthwise_constraint)
        self.pointwise_constraint = _none_only('constraint', pointwise_constraint)

    def build(self, input_shape):
        cin = self._channels(input_shape)
        self.add_weight('depthwise_kernel',
                        self.kernel_size + (cin, self.depth_multiplier))
        self.add_weight('pointwise_kernel',
                        (1, 1, cin * self.depth_multiplier, self.filters))
        if self.use_bias:
            self.add_weight('bias', (self.filters,))

    def get_config(self):
        config = _Conv.get_config(self)
        for k in ('kernel_initializer', 'kernel_regularizer', 'kernel_constraint'):
            config.pop(k)
        config['depth_multiplier'] = self.depth_multiplier
        config['depthwise_initializer'] = self.depthwise_initializer
        config['pointwise_initializer'] = self.pointwise_initializer
        config['depthwise_regularizer'] = self.depthwise_regularizer
        config['pointwise_regularizer'] = self.pointwise_regularizer
        config['depthwise_constraint'] = self.depthwise_constraint
        config['pointwise_constraint'] = self.pointwise_constraint
        return config


class DepthwiseConv2D(Conv2D):
    def __init__(self, kernel_size, strides=(1, 1), padding='valid',
                 depth_multiplier=1, data_format=None, activation=None,
                 use_bias=True, depthwise_initializer='glorot_uniform',
                 bias_initializer='zeros', depthwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        Conv2D.__init__(self, filters=None, kernel_size=kernel_size, strides=strides,
                        padding=padding, data_format=data_format,
                        activation=activation, use_bias=use_bias,
                        bias_regularizer=bias_regularizer,
                        activity_regularizer=activity_regularizer,
                        bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = depth_multiplier
        self.depthwise_initializer = _initializer(depthwise_initializer)
        self.depthwise_regularizer = _none_only('regularizer', depthwise_regularizer)
        self.depthwise_constraint = _none_only('constraint', depthwise_constraint)

    def build(self, input_shape):
        cin = self._channels(input_shape)
        self.add_weight('depthwise_kernel',
                        self.kernel_size + (cin, self.depth_multiplier))
        if self.use_bias:
            self.add_weight('bias', (cin * self.depth_multiplier,))

    def compute_output_shape(self, input_shape):
        return ((input_shape[0],) + self._spatial_out(input_shape)
                + (input_shape[-1] * self.depth_multiplier,))

    def get_config(self):
        config = Conv2D.get_config(self)
        for k in ('filters', 'kernel_initializer', 'kernel_regularizer',
                  'kernel_constraint'):
            config.pop(k)
        config['depth_multiplier'] = self.depth_multiplier
        config['depthwise_initializer'] = self.depthwise_initializer
        config['depthwise_regularizer'] = self.depthwise_regularizer
        config['depthwise_constraint'] = self.depthwise_constraint
        return config


class BatchNormalization(Layer):
    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer='zeros', gamma_initializer='ones',
                 moving_mean_initializer='zeros', moving_variance_initializer='ones',
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        Layer.__init__(self, **kwargs)
        self.axis = axis
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = _initializer(beta_initializer)
        self.gamma_initializer = _initializer(gamma_initializer)
        self.moving_mean_initializer = _initializer(moving_mean_initializer)
        self.moving_variance_initializer = _initializer(moving_variance_initializer)
        self.beta_regularizer = _none_only('regularizer', beta_regularizer)
        self.gamma_regularizer = _none_only('regularizer', gamma_regularizer)
        self.beta_constraint = _none_only('constraint', beta_constraint)
        self.gamma_constraint = _none_only('constraint', gamma_constraint)

    def build(self, input_shape):
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError('%s: axis %d must be known' % (self.name, self.axis))
        if self.scale:
            self.add_weight('gamma', (dim,))
        if self.center:
            self.add_weight('beta', (dim,))
        self.add_weight('moving_mean', (dim,))
        self.add_weight('moving_variance', (dim,))

    def get_config(self):
        return self._with_base({
            'axis': self.axis,
            'momentum': self.momentum,
            'epsilon': self.epsilon,
            'center': self.center,
            'scale': self.scale,
            'beta_initializer': self.beta_initializer,
            'gamma_initializer': self.gamma_initializer,
            'moving_mean_initializer': self.moving_mean_initializer,
            'moving_variance_initializer': self.moving_variance_initializer,
            'beta_regularizer': self.beta_regularizer,
            'gamma_regularizer': self.gamma_regularizer,
            'beta_constraint': self.beta_constraint,
            'gamma_constraint': self.gamma_constraint,
        })


class Activation(Layer):
    def __init__(self, activation, **kwargs):
        Layer.__init__(self, **kwargs)
        self.activation = _activation(activation)

    def get_config(self):
        return self._with_base({'activation': self.activation})


class ReLU(Layer):
    def __init__(self, max_value=None, negative_slope=0., threshold=0., **kwargs):
        Layer.__init__(self, **kwargs)
        if max_value is not None and max_value < 0.:
            raise ValueError('max_value of ReLU layer cannot be negative')
        if negative_slope < 0.:
            raise ValueError('negative_slope of ReLU layer cannot be negative')
        # Keras 2.2.4 keeps max_value as K.cast_to_floatx(max_value), a 0-d float32
        # numpy array, which to_json() writes as {"type": "ndarray", "value": 6.0}
        # (get_json_type); negative_slope and threshold stay plain floats.  A real
        # Keras 2.2.4 JSON with exactly this form is in tfjs-layers' tests
        # ('Load model artifact with ndarray-format scalar objects').
        self.max_value = (None if max_value is None
                          else np.asarray(max_value, dtype=np.float32))
        self.negative_slope = negative_slope
        self.threshold = threshold

    def get_config(self):
        return self._with_base({'max_value': self.max_value,
                                'negative_slope': self.negative_slope,
                                'threshold': self.threshold})


class _Padding2D(Layer):
    _arg = 'padding'

    def __init__(self, value, data_format=None, **kwargs):
        Layer.__init__(self, **kwargs)
        self.data_format = _normalize_data_format(data_format)
        if isinstance(value, int):
            value = ((value, value), (value, value))
        elif len(value) == 2:
            value = (_normalize_tuple(value[0], 2, self._arg),
                     _normalize_tuple(value[1], 2, self._arg))
        else:
            raise ValueError('bad %s %r' % (self._arg, value))
        setattr(self, self._arg, value)

    def get_config(self):
        return self._with_base({self._arg: getattr(self, self._arg),
                                'data_format': self.data_format})


class ZeroPadding2D(_Padding2D):
    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        _Padding2D.__init__(self, padding, data_format, **kwargs)

    def compute_output_shape(self, s):
        (t, b), (l, r) = self.padding
        return (s[0], None if s[1] is None else s[1] + t + b,
                None if s[2] is None else s[2] + l + r, s[3])


class Cropping2D(_Padding2D):
    _arg = 'cropping'

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        _Padding2D.__init__(self, cropping, data_format, **kwargs)

    def compute_output_shape(self, s):
        (t, b), (l, r) = self.cropping
        return (s[0], None if s[1] is None else s[1] - t - b,
                None if s[2] is None else s[2] - l - r, s[3])


class _Pooling2D(Layer):
    def __init__(self, pool_size=(2, 2), strides=None, padding='valid',
                 data_format=None, **kwargs):
        Layer.__init__(self, **kwargs)
        if strides is None:
            strides = pool_size
        self.pool_size = _normalize_tuple(pool_size, 2, 'pool_size')
        self.strides = _normalize_tuple(strides, 2, 'strides')
        self.padding = _normalize_padding(padding)
        self.data_format = _normalize_data_format(data_format)

    def compute_output_shape(self, s):
        return (s[0],
                _conv_output_length(s[1], self.pool_size[0], self.padding,
                                    self.strides[0]),
                _conv_output_length(s[2], self.pool_size[1], self.padding,
                                    self.strides[1]),
                s[3])

    def get_config(self):
        return self._with_base({'pool_size': self.pool_size, 'padding': self.padding,
                                'strides': self.strides,
                                'data_format': self.data_format})


class MaxPooling2D(_Pooling2D):
    pass


class AveragePooling2D(_Pooling2D):
    pass


class _GlobalPooling2D(Layer):
    def __init__(self, data_format=None, **kwargs):
        Layer.__init__(self, **kwargs)
        self.data_format = _normalize_data_format(data_format)

    def compute_output_shape(self, s):
        return (s[0], s[3])

    def get_config(self):
        return self._with_base({'data_format': self.data_format})


class GlobalAveragePooling2D(_GlobalPooling2D):
    pass


class GlobalMaxPooling2D(_GlobalPooling2D):
    pass


class Dense(Layer):
    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer='glorot_uniform', bias_initializer='zeros',
                 kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        Layer.__init__(self, **kwargs)
        self.units = units
        self.activation = _activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = _initializer(kernel_initializer)
        self.bias_initializer = _initializer(bias_initializer)
        self.kernel_regularizer = _none_only('regularizer', kernel_regularizer)
        self.bias_regularizer = _none_only('regularizer', bias_regularizer)
        self.activity_regularizer = _none_only('regularizer', activity_regularizer)
        self.kernel_constraint = _none_only('constraint', kernel_constraint)
        self.bias_constraint = _none_only('constraint', bias_constraint)

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError('%s: the stand-in models 2-D Dense inputs with a known '
                             'size, got %r' % (self.name, input_shape))
        self.add_weight('kernel', (input_shape[-1], self.units))
        if self.use_bias:
            self.add_weight('bias', (self.units,))

    def compute_output_shape(self, s):
        return tuple(s[:-1]) + (self.units,)

    def get_config(self):
        return self._with_base({
            'units': self.units,
            'activation': self.activation,
            'use_bias': self.use_bias,
            'kernel_initializer': self.kernel_initializer,
            'bias_initializer': self.bias_initializer,
            'kernel_regularizer': self.kernel_regularizer,
            'bias_regularizer': self.bias_regularizer,
            'activity_regularizer': self.activity_regularizer,
            'kernel_constraint': self.kernel_constraint,
            'bias_constraint': self.bias_constraint,
        })


class Flatten(Layer):
    def __init__(self, data_format=None, **kwargs):
        Layer.__init__(self, **kwargs)
        self.data_format = _normalize_data_format(data_format)

    def build(self, input_shape):
        if len(input_shape) < 3:                  # Keras: InputSpec(min_ndim=3)
            raise ValueError('%s: Flatten needs an input of rank >= 3, got %r'
                             % (self.name, input_shape))

    def compute_output_shape(self, s):
        n = 1
        for d in s[1:]:
            if d is None:
                raise ValueError('%s: Flatten needs a fully known shape, got %r'
                                 % (self.name, s))
            n *= d
        return (s[0], n)

    def get_config(self):
        return self._with_base({'data_format': self.data_format})


class Dropout(Layer):
    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        Layer.__init__(self, **kwargs)
        self.rate = min(1., max(0., rate))
        self.noise_shape = noise_shape
        self.seed = seed

    def get_config(self):
        return self._with_base({'rate': self.rate, 'noise_shape': self.noise_shape,
                                'seed': self.seed})


class Reshape(Layer):
    def __init__(self, target_shape, **kwargs):
        Layer.__init__(self, **kwargs)
        self.target_shape = tuple(target_shape)

    def compute_output_shape(self, s):
        n_in = 1
        for d in s[1:]:
            n_in *= d
        n_out = 1
        for d in self.target_shape:
            n_out *= d
        if -1 in self.target_shape or n_in != n_out:
            raise ValueError('%s: cannot reshape %r to %r'
                             % (self.name, s, self.target_shape))
        return (s[0],) + self.target_shape

    def get_config(self):
        return self._with_base({'target_shape': self.target_shape})


def _func_dump(func):
    """keras/utils/generic_utils.py func_dump: (base64 marshal, defaults, closure)."""
    code = codecs.encode(marshal.dumps(func.__code__), 'base64').decode('ascii')
    closure = (tuple(c.cell_contents for c in func.__closure__)
               if func.__closure__ else None)
    return code, func.__defaults__, closure


class Lambda(Layer):
    def __init__(self, function, output_shape=None, mask=None, arguments=None,
                 **kwargs):
        Layer.__init__(self, **kwargs)
        if output_shape is None or callable(output_shape):
            raise ValueError('%s: the stand-in needs a literal output_shape'
                             % self.name)
        if mask is not None:
            raise ValueError('Lambda mask= is not modelled by the stand-in')
        self.function = function
        self.arguments = arguments if arguments else {}
        self._output_shape = tuple(output_shape)

    def compute_output_shape(self, input_shape):
        n = input_shape[0][0] if isinstance(input_shape, list) else input_shape[0]
        return (n,) + self._output_shape

    def get_config(self):
        if isinstance(self.function, types.LambdaType) and \
                self.function.__name__ == '<lambda>':
            function, function_type = _func_dump(self.function), 'lambda'
        else:
            function, function_type = self.function.__name__, 'function'
        return self._with_base({'function': function,
                                'function_type': function_type,
                                'output_shape': self._output_shape,
                                'output_shape_type': 'raw',
                                'arguments': self.arguments})


class _Merge(Layer):
    def build(self, input_shape):
        if not isinstance(input_shape, list) or len(input_shape) < 2:
            raise ValueError('%s: a merge layer needs a list of >= 2 inputs'
                             % self.name)

    def compute_output_shape(self, shapes):
        first = shapes[0]
        for s in shapes[1:]:
            if tuple(s) != tuple(first):
                raise ValueError('%s: shapes differ: %r' % (self.name, shapes))
        return first


class Add(_Merge):
    pass


class Multiply(_Merge):
    pass


class Concatenate(_Merge):
    def __init__(self, axis=-1, **kwargs):
        Layer.__init__(self, **kwargs)
        self.axis = axis

    def compute_output_shape(self, shapes):
        rank = len(shapes[0])
        ax = self.axis % rank
        out = list(shapes[0])
        for s in shapes[1:]:
            for i in range(rank):
                if i != ax and s[i] != out[i]:
                    raise ValueError('%s: shapes differ off axis: %r'
                                     % (self.name, shapes))
            out[ax] = None if (out[ax] is None or s[ax] is None) else out[ax] + s[ax]
        return tuple(out)

    def get_config(self):
        return self._with_base({'axis': self.axis})


def add(inputs, **kwargs):
    return Add(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    return Multiply(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    return Concatenate(axis=axis, **kwargs)(inputs)


# ----------------------------------------------------------------------------- model

def get_json_type(obj):
    """keras/engine/network.py to_json's `default=`: numpy values."""
    if type(obj).__module__ == np.__name__:
        if isinstance(obj, np.ndarray):
            return {'type': type(obj).__name__, 'value': obj.tolist()}
        return obj.item()
    if callable(obj):
        return obj.__name__
    if type(obj).__name__ == type.__name__:
        return obj.__name__
    raise TypeError('Not JSON Serializable: %r' % (obj,))


def _node_key(layer, node_index):
    return layer.name + '_ib-' + str(node_index)


def _map_graph_network(inputs, outputs):
    """The layer order of keras/engine/network.py (Keras 2.2.4)."""
    network_nodes = set()
    nodes_depths = {}
    layers_depths = {}
    layer_indices = {}
    nodes_in_decreasing_depth = []
    finished, in_progress = set(), set()

    def build_map(layer, node_index):
        node = layer._inbound_nodes[node_index]
        if id(node) in in_progress:
            raise ValueError('cycle at layer ' + layer.name)
        if id(node) in finished:
            return
        network_nodes.add(_node_key(layer, node_index))
        if layer not in layer_indices:
            layer_indices[layer] = len(layer_indices)
        in_progress.add(id(node))
        for inbound, idx in zip(node.inbound_layers, node.node_indices):
            build_map(inbound, idx)
        finished.add(id(node))
        in_progress.remove(id(node))
        nodes_in_decreasing_depth.append(node)

    for x in outputs:
        layer, node_index, _ = x._keras_history
        build_map(layer, node_index)

    for node in reversed(nodes_in_decreasing_depth):
        depth = nodes_depths.setdefault(node, 0)
        depth = max(depth, layers_depths.get(node.outbound_layer, 0))
        layers_depths[node.outbound_layer] = depth
        nodes_depths[node] = depth
        for inbound, idx in zip(node.inbound_layers, node.node_indices):
            inbound_node = inbound._inbound_nodes[idx]
            nodes_depths[inbound_node] = max(depth + 1,
                                             nodes_depths.get(inbound_node, 0))

    by_depth = collections.defaultdict(list)
    for layer, depth in layers_depths.items():
        by_depth[depth].append(layer)
    layers = []
    for depth in sorted(by_depth, reverse=True):
        layers.extend(sorted(by_depth[depth], key=lambda l: layer_indices[l]))

    # Every input of every node must be computable from the model inputs.
    computable = set(id(x) for x in inputs)
    nodes_by_depth = collections.defaultdict(list)
    for node, depth in nodes_depths.items():
        nodes_by_depth[depth].append(node)
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            for x in node.input_tensors:
                if node.inbound_layers and id(x) not in computable:
                    raise ValueError('Graph disconnected at layer '
                                     + node.outbound_layer.name)
            for x in node.output_tensors:
                computable.add(id(x))
    names = [l.name for l in layers]
    dups = sorted(set(n for n in names if names.count(n) > 1))
    if dups:
        raise ValueError('layer names used more than once: %s' % dups)
    return network_nodes, layers


class Model:
    def __init__(self, inputs, outputs, name=None):
        self.inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        self.outputs = (list(outputs) if isinstance(outputs, (list, tuple))
                        else [outputs])
        if not name:
            name = 'model_' + str(get_uid('model'))
        self.name = name
        for x in self.inputs:
            layer = x._keras_history[0]
            if not isinstance(layer, InputLayer):
                raise TypeError('Model inputs must come from Input()')
        self._network_nodes, self.layers = _map_graph_network(self.inputs,
                                                              self.outputs)

    def get_layer(self, name):
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError('No such layer: ' + name)

    def weight_specs(self):
        """[(layer name, [(weight name, shape)])] for layers that have weights,
        in model.layers order: the order Keras save_weights writes and
        load_weights(by_name=False) matches."""
        return [(l.name, list(l.weight_specs)) for l in self.layers if l.weight_specs]

    def get_config(self):
        conversion = {}
        for layer in self.layers:
            kept = 0
            for i, _ in enumerate(layer._inbound_nodes):
                key = _node_key(layer, i)
                if key in self._network_nodes:
                    conversion[key] = kept
                    kept += 1
        layer_configs = []
        for layer in self.layers:
            inbound = []
            for i, node in enumerate(layer._inbound_nodes):
                if _node_key(layer, i) not in self._network_nodes:
                    continue
                kwargs = node.arguments if node.arguments else {}
                if node.inbound_layers:
                    inbound.append([[il.name,
                                     conversion.get(_node_key(il, ni), 0),
                                     ti, kwargs]
                                    for il, ni, ti in zip(node.inbound_layers,
                                                          node.node_indices,
                                                          node.tensor_indices)])
            layer_configs.append({'name': layer.name,
                                  'class_name': layer.__class__.__name__,
                                  'config': layer.get_config(),
                                  'inbound_nodes': inbound})
        ends = []
        for tensors in (self.inputs, self.outputs):
            ends.append([[l.name, conversion[_node_key(l, ni)], ti]
                         for l, ni, ti in (x._keras_history for x in tensors)])
        return {'name': self.name, 'layers': layer_configs,
                'input_layers': ends[0], 'output_layers': ends[1]}

    def _updated_config(self):
        return {'class_name': self.__class__.__name__, 'config': self.get_config(),
                'keras_version': KERAS_VERSION, 'backend': 'tensorflow'}

    def to_json(self, **kwargs):
        return json.dumps(self._updated_config(), default=get_json_type, **kwargs)

    def load_weights(self, *args, **kwargs):
        raise RuntimeError('the Keras stand-in holds no weights (use weights=None)')

    @property
    def output_shape(self):
        shapes = [x._keras_shape for x in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def input_shape(self):
        shapes = [x._keras_shape for x in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes


# ----------------------------------------------------------------------------- modules

def _int_shape(x):
    return x._keras_shape


def _is_keras_tensor(x):
    if not isinstance(x, KerasTensor) and type(x).__name__ not in ('ndarray',):
        if not hasattr(x, 'shape'):
            raise ValueError('Unexpectedly found an instance of type `%s`. '
                             'Expected a symbolic tensor instance.' % type(x))
    return isinstance(x, KerasTensor)


def _set_image_data_format(value):
    _S.data_format = _normalize_data_format(value)


def _get_file(*args, **kwargs):
    raise RuntimeError('the Keras stand-in never downloads (use weights=None)')


def _get_source_inputs(tensor, layer=None, node_index=None):
    layer, node_index, _ = tensor._keras_history
    node = layer._inbound_nodes[node_index]
    if not node.inbound_layers:
        return node.input_tensors
    found = []
    for x in node.input_tensors:
        for y in _get_source_inputs(x):
            if all(y is not z for z in found):
                found.append(y)
    return found


backend = types.ModuleType('keras_standin.backend')
backend.backend = lambda: 'tensorflow'
backend.image_data_format = lambda: _S.data_format
backend.set_image_data_format = _set_image_data_format
backend.int_shape = _int_shape
backend.is_keras_tensor = _is_keras_tensor
backend.name_scope = name_scope
backend.get_uid = get_uid
backend.floatx = lambda: 'float32'
backend.epsilon = lambda: 1e-7
backend.ndim = lambda x: len(x._keras_shape)
backend.dtype = lambda x: 'float32'
backend.normalize_data_format = _normalize_data_format

layers = types.ModuleType('keras_standin.layers')
for _cls in (Layer, InputLayer, Conv2D, SeparableConv2D, DepthwiseConv2D,
             BatchNormalization, Activation, ReLU, ZeroPadding2D, Cropping2D,
             MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D,
             GlobalMaxPooling2D, Dense, Flatten, Dropout, Reshape, Lambda, Add,
             Multiply, Concatenate):
    setattr(layers, _cls.__name__, _cls)
layers.Input = Input
layers.add = add
layers.multiply = multiply
layers.concatenate = concatenate

models = types.ModuleType('keras_standin.models')
models.Model = Model

utils = types.ModuleType('keras_standin.utils')
utils.get_file = _get_file
utils.get_source_inputs = _get_source_inputs
utils.convert_all_kernels_in_model = lambda model: None


def modules():
    """The keyword arguments keras_applications builders take."""
    return {'backend': backend, 'layers': layers, 'models': models, 'utils': utils}

"""The previous chapter's input placeholder, in TensorFlow 2 form."""


def init_inputs(input_size):
    """Return a symbolic batch of ``input_size`` features: ``tf.keras.Input(shape=(input_size,))``.

    TensorFlow 1 wrote this as ``tf.placeholder(tf.float32, shape=(None, input_size),
    name='inputs')``; placeholders are gone in TensorFlow 2.
    """
    from course._tf import import_tensorflow

    tf = import_tensorflow()

    return tf.keras.Input(shape=(int(input_size),), name="inputs")

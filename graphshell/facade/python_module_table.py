"""The names of the TF modules real code imports (`tensorflow.python.framework.ops`...), as
TF 2.21 has them, plus TF 1.x names those modules held (`ops.Tensor`, `control_flow_ops.cond`).

Each entry is `path: (home, names)`: a bare name `n` is `tf.<home>.n` (`tf.n` when the home is
empty) and `n=path` is `tf.<path>`, the object TF exports there. `python_paths.install` keeps the
names graphshell has, so a name added to tf later appears in these modules without an edit here.
"""

from __future__ import annotations

MODULES: dict[str, tuple[str, str]] = {
    "framework.ops": ("", (
        "Graph GraphKeys NoGradient NotDifferentiable Operation RegisterGradient "
        "add_to_collection add_to_collections container control_dependencies device "
        "disable_eager_execution enable_eager_execution executing_eagerly_outside_functions "
        "get_collection get_collection_ref get_default_graph get_default_session init_scope "
        "is_symbolic_tensor no_gradient op_scope reset_default_graph Tensor "
        "IndexedSlices convert_to_tensor convert_n_to_tensor name_scope get_name_scope "
        "colocate_with register_tensor_conversion_function executing_eagerly")),
    "framework.dtypes": ("", (
        "DType QUANTIZED_DTYPES as_dtype bfloat16 bool complex128 complex64 double float16=half "
        "float32 float64=double half int16 int32 int64 int8 qint16 qint32 qint8 quint16 quint8 "
        "resource string uint16 uint32 uint64 uint8 variant")),
    "framework.tensor_shape": ("", (
        "Dimension TensorShape dimension_at_index dimension_value disable_v2_tensorshape "
        "enable_v2_tensorshape")),
    "framework.constant_op": ("", (
        "constant")),
    "data.ops.dataset_ops": ("data", ("Dataset DatasetV1=data.Dataset")),
    "data.ops.iterator_ops": ("data", ("Iterator")),
    "lib.io.tf_record": ("io", (
        "TFRecordWriter TFRecordOptions TFRecordCompressionType tf_record_iterator")),
    "framework.errors": ("errors", (
        "OpError AbortedError AlreadyExistsError CancelledError DataLossError "
        "DeadlineExceededError FailedPreconditionError InternalError InvalidArgumentError "
        "NotFoundError OutOfRangeError PermissionDeniedError ResourceExhaustedError "
        "UnauthenticatedError UnavailableError UnimplementedError UnknownError "
        "error_code_from_exception_type exception_type_from_error_code "
        "raise_exception_on_not_ok_status OK CANCELLED UNKNOWN INVALID_ARGUMENT "
        "DEADLINE_EXCEEDED NOT_FOUND ALREADY_EXISTS PERMISSION_DENIED RESOURCE_EXHAUSTED "
        "FAILED_PRECONDITION ABORTED OUT_OF_RANGE UNIMPLEMENTED INTERNAL UNAVAILABLE DATA_LOSS "
        "UNAUTHENTICATED")),
    "framework.graph_util": ("graph_util", (
        "convert_variables_to_constants extract_sub_graph must_run_on_cpu remove_training_nodes "
        "tensor_shape_from_node_def_name")),
    "framework.test_util": ("test", (
        "TensorFlowTestCase=test.TestCase gpu_device_name is_gpu_available")),
    "framework.sparse_tensor": ("", (
        "SparseTensor SparseTensorSpec SparseTensorValue convert_to_tensor_or_sparse_tensor")),
    "framework.tensor_util": ("", (
        "MakeNdarray=make_ndarray constant_value=get_static_value is_tensor "
        "is_tf_type=is_tensor make_tensor_proto")),
    "framework.random_seed": ("", (
        "get_seed set_random_seed")),
    "framework.importer": ("", (
        "import_graph_def")),
    "ops.array_ops": ("", (
        "batch_gather batch_to_space batch_to_space_nd bitcast boolean_mask "
        "broadcast_dynamic_shape broadcast_static_shape broadcast_to "
        "check_numerics=debugging.check_numerics concat depth_to_space dequantize diag "
        "edit_distance expand_dims extract_image_patches extract_volume_patches "
        "fake_quant_with_min_max_args fake_quant_with_min_max_args_gradient "
        "fake_quant_with_min_max_vars fake_quant_with_min_max_vars_gradient "
        "fake_quant_with_min_max_vars_per_channel "
        "fake_quant_with_min_max_vars_per_channel_gradient fill fingerprint gather gather_nd "
        "guarantee_const identity identity_n invert_permutation matrix_band_part matrix_diag "
        "matrix_diag_part matrix_set_diag matrix_transpose meshgrid newaxis one_hot ones "
        "ones_like pad parallel_stack placeholder placeholder_with_default quantize "
        "quantize_and_dequantize=quantization.quantize_and_dequantize "
        "quantize_and_dequantize_v2=quantization.quantize_and_dequantize_v2 quantize_v2 "
        "quantized_concat rank repeat required_space_to_batch_paddings reshape reverse "
        "reverse_sequence scatter_nd searchsorted sequence_mask setdiff1d shape shape_n size "
        "slice space_to_batch space_to_batch_nd space_to_depth sparse_mask sparse_placeholder "
        "split squeeze stop_gradient strided_slice tensor_diag_part=diag_part "
        "tensor_scatter_add tensor_scatter_max=tensor_scatter_nd_max "
        "tensor_scatter_min=tensor_scatter_nd_min "
        "tensor_scatter_nd_update=tensor_scatter_update tensor_scatter_sub tile transpose "
        "unique unique_with_counts unravel_index where where_v2 zeros zeros_like")),
    "ops.math_ops": ("", (
        "abs accumulate_n acos acosh=math.acosh add add_n angle arg_max arg_min argmax argmin "
        "asin=math.asin asinh=math.asinh atan=math.atan atan2 atanh=math.atanh betainc cast "
        "ceil complex conj cos=math.cos cosh=math.cosh count_nonzero cross cumprod cumsum "
        "cumulative_logsumexp=math.cumulative_logsumexp digamma=math.digamma div div_no_nan "
        "divide equal erf=math.erf erfc=math.erfc exp expm1=math.expm1 floor floor_div "
        "floor_mod=math.mod floordiv floormod=mod greater greater_equal igamma igammac imag "
        "is_finite is_inf is_nan less less_equal lgamma=math.lgamma linspace "
        "linspace_nd=linspace log=math.log log1p=math.log1p log_sigmoid logical_and logical_not "
        "logical_or logical_xor matmul matvec=linalg.matvec multiply neg=math.negative "
        "negative=math.negative next_after=math.nextafter nextafter=math.nextafter not_equal "
        "polygamma polyval=math.polyval pow range real realdiv reciprocal=math.reciprocal "
        "rint=math.rint round rsqrt saturate_cast scalar_mul segment_max segment_mean "
        "segment_min segment_prod segment_sum sigmoid sign sin=math.sin sinh=math.sinh "
        "sobol_sample=math.sobol_sample sparse_matmul sparse_segment_mean sparse_segment_sqrt_n "
        "sparse_segment_sum sqrt square=math.square squared_difference subtract tan=math.tan "
        "tanh=nn.tanh tensordot to_bfloat16 to_complex128 to_complex64 to_double to_float "
        "to_int32 to_int64 trace truediv truncatediv truncatemod unsorted_segment_max "
        "unsorted_segment_mean unsorted_segment_min unsorted_segment_prod "
        "unsorted_segment_sqrt_n unsorted_segment_sum xdivy=math.xdivy xlog1py=math.xlog1py "
        "xlogy=math.xlogy zeta reduce_sum reduce_mean reduce_max reduce_min reduce_prod "
        "reduce_all reduce_any reduce_logsumexp")),
    "ops.nn_ops": ("nn", (
        "approx_max_k approx_min_k approx_top_k=approx_top_k atrous_conv2d "
        "atrous_conv2d_transpose avg_pool avg_pool1d avg_pool3d avg_pool_v2 bias_add conv=conv "
        "conv1d conv1d_transpose conv2d conv2d_backprop_filter "
        "conv2d_backprop_filter_v2=conv2d_backprop_filter_v2 conv2d_backprop_input "
        "conv2d_backprop_input_v2=conv2d_backprop_input_v2 conv2d_transpose conv3d_transpose "
        "conv_transpose convolution crelu depthwise_conv2d_native "
        "depthwise_conv2d_native_backprop_filter=nn.depthwise_conv2d_backprop_filter "
        "depthwise_conv2d_native_backprop_input=nn.depthwise_conv2d_backprop_input dropout "
        "erosion2d fractional_avg_pool fractional_max_pool in_top_k l2_loss "
        "local_response_normalization=nn.lrn lrn max_pool max_pool1d max_pool2d max_pool3d "
        "max_pool_v2 pool quantized_avg_pool quantized_conv2d quantized_max_pool "
        "quantized_relu_x softmax softmax_cross_entropy_with_logits "
        "sparse_softmax_cross_entropy_with_logits top_k with_space_to_batch xw_plus_b relu "
        "relu6 elu leaky_relu softplus softsign log_softmax "
        "softmax_cross_entropy_with_logits_v2")),
    "ops.nn": ("nn", (
        "all_candidate_sampler approx_max_k approx_min_k approx_top_k=approx_top_k "
        "atrous_conv2d atrous_conv2d_transpose avg_pool avg_pool1d avg_pool3d avg_pool_v2 "
        "batch_norm_with_global_normalization batch_normalization bias_add collapse_repeated "
        "compute_accidental_hits compute_average_loss conv=conv conv1d conv1d_transpose conv2d "
        "conv2d_backprop_filter conv2d_backprop_filter_v2=conv2d_backprop_filter_v2 "
        "conv2d_backprop_input conv2d_backprop_input_v2=conv2d_backprop_input_v2 "
        "conv2d_transpose conv3d_transpose conv_transpose convolution crelu "
        "ctc_beam_search_decoder ctc_beam_search_decoder_v2 ctc_greedy_decoder ctc_loss "
        "ctc_loss_v2 ctc_unique_labels depthwise_conv2d depthwise_conv2d_native "
        "depthwise_conv2d_native_backprop_filter=nn.depthwise_conv2d_backprop_filter "
        "depthwise_conv2d_native_backprop_input=nn.depthwise_conv2d_backprop_input dropout elu "
        "embedding_lookup embedding_lookup_sparse erosion2d fixed_unigram_candidate_sampler "
        "fractional_avg_pool fractional_max_pool fused_batch_norm in_top_k l2_loss l2_normalize "
        "leaky_relu learned_unigram_candidate_sampler local_response_normalization=nn.lrn "
        "log_poisson_loss log_softmax log_uniform_candidate_sampler lrn max_pool max_pool1d "
        "max_pool2d max_pool3d max_pool_v2 moments nce_loss normalize=linalg.normalize "
        "normalize_moments pool quantized_avg_pool quantized_conv2d quantized_max_pool "
        "quantized_relu_x relu relu6 relu_layer safe_embedding_lookup_sparse "
        "sampled_softmax_loss scale_regularization_loss selu separable_conv2d sigmoid "
        "sigmoid_cross_entropy_with_logits softmax softmax_cross_entropy_with_logits softsign "
        "sparse_softmax_cross_entropy_with_logits sufficient_statistics swish=nn.silu tanh "
        "top_k uniform_candidate_sampler weighted_cross_entropy_with_logits weighted_moments "
        "with_space_to_batch xw_plus_b zero_fraction softmax_cross_entropy_with_logits_v2")),
    "ops.nn_impl": ("nn", (
        "batch_norm_with_global_normalization batch_normalization depthwise_conv2d "
        "fused_batch_norm l2_normalize log_poisson_loss moments nce_loss "
        "normalize=linalg.normalize normalize_moments relu_layer sampled_softmax_loss "
        "separable_conv2d sigmoid_cross_entropy_with_logits sufficient_statistics "
        "weighted_cross_entropy_with_logits weighted_moments zero_fraction")),
    "ops.init_ops": ("", (
        "Constant=constant_initializer GlorotNormal=glorot_normal_initializer "
        "GlorotUniform=glorot_uniform_initializer Identity=initializers.identity "
        "Ones=ones_initializer Orthogonal=orthogonal_initializer "
        "RandomNormal=random_normal_initializer RandomUniform=random_uniform_initializer "
        "TruncatedNormal=truncated_normal_initializer "
        "UniformUnitScaling=uniform_unit_scaling_initializer "
        "VarianceScaling=variance_scaling_initializer Zeros=zeros_initializer "
        "constant_initializer glorot_normal_initializer glorot_uniform_initializer "
        "he_normal=initializers.he_normal he_uniform=initializers.he_uniform "
        "identity_initializer=initializers.identity lecun_normal=initializers.lecun_normal "
        "lecun_uniform=initializers.lecun_uniform ones_initializer orthogonal_initializer "
        "random_normal_initializer random_uniform_initializer truncated_normal_initializer "
        "uniform_unit_scaling_initializer variance_scaling_initializer zeros_initializer")),
    "ops.variable_scope": ("", (
        "AUTO_REUSE VariableAggregation VariableScope VariableSynchronization "
        "get_local_variable get_variable get_variable_scope no_regularizer variable_op_scope "
        "variable_scope")),
    "ops.variables": ("", (
        "VariableAggregation VariableSynchronization all_variables assert_variables_initialized "
        "global_variables global_variables_initializer initialize_all_variables "
        "initialize_local_variables initialize_variables local_variables "
        "local_variables_initializer model_variables moving_average_variables "
        "report_uninitialized_variables trainable_variables variables_initializer Variable")),
    "ops.control_flow_ops": ("", (
        "group no_op tuple cond while_loop case Assert with_dependencies")),
    "ops.state_ops": ("", (
        "assign assign_add assign_sub batch_scatter_update count_up_to scatter_add scatter_div "
        "scatter_max scatter_min scatter_mul scatter_nd_add scatter_nd_sub scatter_nd_update "
        "scatter_sub scatter_update is_variable_initialized")),
    "ops.random_ops": ("", (
        "categorical=random.categorical multinomial random_gamma random_normal random_poisson "
        "random_shuffle random_uniform truncated_normal")),
    "ops.gradients": ("", (
        "AggregationMethod GradientTape UnconnectedGradients custom_gradient gradients hessians")),
    "ops.gradients_impl": ("", (
        "UnconnectedGradients gradients hessians")),
    "ops.clip_ops": ("", (
        "clip_by_average_norm clip_by_global_norm clip_by_norm clip_by_value global_norm")),
    "ops.embedding_ops": ("nn", (
        "embedding_lookup embedding_lookup_sparse safe_embedding_lookup_sparse")),
    "ops.check_ops": ("", (
        "assert_equal assert_greater assert_greater_equal assert_integer assert_less "
        "assert_less_equal assert_near assert_negative assert_non_negative assert_non_positive "
        "assert_none_equal assert_positive assert_proper_iterable assert_rank "
        "assert_rank_at_least assert_rank_in assert_same_float_dtype assert_scalar "
        "assert_shapes=debugging.assert_shapes assert_type ensure_shape is_non_decreasing "
        "is_numeric_tensor is_strictly_increasing")),
    "ops.logging_ops": ("", (
        "Print timestamp")),
    "ops.special_math_ops": ("", (
        "einsum lbeta")),
    "ops.linalg_ops": ("", (
        "cholesky cholesky_solve eye log_matrix_determinant=linalg.slogdet lu=linalg.lu "
        "matrix_determinant matrix_inverse matrix_logarithm=linalg.logm matrix_solve "
        "matrix_solve_ls matrix_square_root matrix_triangular_solve norm qr self_adjoint_eig "
        "self_adjoint_eigvals svd")),
    "ops.image_ops": ("image", (
        "ResizeMethodV1=image.ResizeMethod adjust_contrast adjust_hue adjust_jpeg_quality "
        "adjust_saturation central_crop combined_non_max_suppression convert_image_dtype "
        "crop_to_bounding_box decode_and_crop_jpeg=io.decode_and_crop_jpeg "
        "decode_bmp=io.decode_bmp decode_gif=io.decode_gif decode_image=io.decode_image "
        "decode_jpeg=io.decode_jpeg decode_jxl=io.decode_jxl decode_png=io.decode_png "
        "decode_webp=io.decode_webp draw_bounding_boxes encode_jpeg=io.encode_jpeg "
        "encode_png=io.encode_png extract_glimpse extract_jpeg_shape=io.extract_jpeg_shape "
        "flip_left_right flip_up_down generate_bounding_box_proposals grayscale_to_rgb "
        "hsv_to_rgb image_gradients is_jpeg=io.is_jpeg non_max_suppression "
        "non_max_suppression_padded "
        "non_max_suppression_with_overlaps=image.non_max_suppression_overlaps "
        "non_max_suppression_with_scores pad_to_bounding_box per_image_standardization psnr "
        "random_contrast random_flip_left_right random_flip_up_down random_hue "
        "random_jpeg_quality random_saturation resize_area resize_bicubic resize_bilinear "
        "resize_image_with_crop_or_pad=image.resize_with_crop_or_pad resize_images=image.resize "
        "resize_nearest_neighbor rgb_to_grayscale rgb_to_hsv rgb_to_yiq rgb_to_yuv rot90 "
        "sample_distorted_bounding_box sobel_edges ssim ssim_multiscale total_variation "
        "transpose yiq_to_rgb yuv_to_rgb ResizeMethod resize_with_crop_or_pad")),
    "ops.sparse_ops": ("", (
        "deserialize_many_sparse from_dense=sparse.from_dense serialize_many_sparse "
        "serialize_sparse sparse_add sparse_bincount=sparse.bincount sparse_concat "
        "sparse_cross=sparse.cross sparse_cross_hashed=sparse.cross_hashed "
        "sparse_expand_dims=sparse.expand_dims sparse_eye=sparse.eye sparse_fill_empty_rows "
        "sparse_maximum sparse_merge sparse_minimum sparse_reduce_max sparse_reduce_max_sparse "
        "sparse_reduce_sum sparse_reduce_sum_sparse sparse_reorder sparse_reset_shape "
        "sparse_reshape sparse_retain sparse_slice sparse_softmax sparse_split "
        "sparse_tensor_dense_matmul sparse_tensor_to_dense sparse_to_dense sparse_to_indicator "
        "sparse_transpose unary_op=math.bessel_i1e")),
    "ops.functional_ops": ("", (
        "foldl foldr scan")),
    "ops.data_flow_ops": ("", (
        "ConditionalAccumulator ConditionalAccumulatorBase FIFOQueue PaddingFIFOQueue "
        "PriorityQueue QueueBase RandomShuffleQueue SparseConditionalAccumulator "
        "dynamic_partition dynamic_stitch")),
    "ops.partitioned_variables": ("", (
        "create_partitioned_variables fixed_size_partitioner min_max_variable_partitioner "
        "variable_axis_size_partitioner")),
    "ops.metrics": ("metrics", (
        "accuracy auc average_precision_at_k false_negatives false_negatives_at_thresholds "
        "false_positives false_positives_at_thresholds mean mean_absolute_error "
        "mean_cosine_distance mean_iou mean_per_class_accuracy mean_relative_error "
        "mean_squared_error mean_tensor percentage_below precision precision_at_k "
        "precision_at_thresholds precision_at_top_k recall recall_at_k recall_at_thresholds "
        "recall_at_top_k root_mean_squared_error sensitivity_at_specificity "
        "sparse_average_precision_at_k sparse_precision_at_k specificity_at_sensitivity "
        "true_negatives true_negatives_at_thresholds true_positives "
        "true_positives_at_thresholds")),
    "ops.losses.losses": ("losses", (
        "Reduction absolute_difference add_loss compute_weighted_loss cosine_distance "
        "get_losses get_regularization_loss get_regularization_losses get_total_loss hinge_loss "
        "huber_loss log_loss mean_pairwise_squared_error mean_squared_error "
        "sigmoid_cross_entropy softmax_cross_entropy sparse_softmax_cross_entropy")),
    "platform.tf_logging": ("logging", (
        "TaskLevelStatusMessage debug error fatal flush get_logger=get_logger get_verbosity "
        "info log log_every_n log_first_n log_if set_verbosity vlog warn warning")),
    "platform.test": ("test", (
        "Benchmark StubOutForTesting TestCase compute_gradient compute_gradient_error "
        "create_local_cluster disable_with_predicate get_temp_dir gpu_device_name "
        "is_built_with_cuda is_built_with_gpu_support is_built_with_rocm is_built_with_xla "
        "is_cpu_target_available is_gpu_available main test_src_dir_path")),
    "platform.flags": ("flags", (
        "FLAGS FlagValues Flag Error DuplicateFlagError IllegalFlagValueError "
        "UnrecognizedFlagError UnparsedFlagAccessError DEFINE_string DEFINE_boolean DEFINE_bool "
        "DEFINE_integer DEFINE_float DEFINE_list DEFINE_enum")),
    "platform.app": ("app", "run flags"),
    "platform.gfile": ("gfile", (
        "Copy DeleteRecursively Exists FastGFile GFile Glob IsDirectory ListDirectory MakeDirs "
        "MkDir Open Remove Rename Stat Walk")),
    "client.session": ("", (
        "InteractiveSession Session")),
    "training.training": ("train", (
        "AdadeltaOptimizer AdagradDAOptimizer AdagradOptimizer AdamOptimizer BytesList "
        "CheckpointSaverHook CheckpointSaverListener ChiefSessionCreator ClusterDef ClusterSpec "
        "Coordinator Example ExponentialMovingAverage Feature FeatureList FeatureLists Features "
        "FeedFnHook FinalOpsHook FloatList FtrlOptimizer GlobalStepWaiterHook "
        "GradientDescentOptimizer Int64List JobDef LoggingTensorHook LooperThread "
        "MixedPrecisionLossScaleOptimizer=mixed_precision.MixedPrecisionLossScaleOptimizer "
        "MomentumOptimizer MonitoredSession MonitoredTrainingSession NanLossDuringTrainingError "
        "NanTensorHook NewCheckpointReader Optimizer ProfilerHook ProximalAdagradOptimizer "
        "ProximalGradientDescentOptimizer QueueRunner RMSPropOptimizer Saver SaverDef Scaffold "
        "SecondOrStepTimer SequenceExample Server ServerDef SessionCreator SessionManager "
        "SessionRunArgs SessionRunContext SessionRunHook SessionRunValues "
        "SingularMonitoredSession StepCounterHook StopAtStepHook SummarySaverHook Supervisor "
        "SyncReplicasOptimizer VocabInfo WorkerSessionCreator add_queue_runner "
        "assert_global_step basic_train_loop batch batch_join checkpoint_exists cosine_decay "
        "cosine_decay_restarts create_global_step exponential_decay export_meta_graph "
        "generate_checkpoint_state_proto get_checkpoint_mtimes get_checkpoint_state "
        "get_global_step get_or_create_global_step global_step import_meta_graph "
        "init_from_checkpoint input_producer inverse_time_decay latest_checkpoint limit_epochs "
        "linear_cosine_decay list_variables load_checkpoint load_variable "
        "match_filenames_once=io.match_filenames_once maybe_batch maybe_batch_join "
        "maybe_shuffle_batch maybe_shuffle_batch_join natural_exp_decay "
        "noisy_linear_cosine_decay piecewise_constant polynomial_decay range_input_producer "
        "replica_device_setter sdca_fprint sdca_optimizer sdca_shrink_l1 shuffle_batch "
        "shuffle_batch_join slice_input_producer start_queue_runners string_input_producer "
        "summary_iterator update_checkpoint_state warm_start write_graph=io.write_graph")),
    "training.optimizer": ("train", (
        "Optimizer")),
    "training.gradient_descent": ("train", (
        "GradientDescentOptimizer")),
    "training.adam": ("train", (
        "AdamOptimizer")),
    "training.momentum": ("train", (
        "MomentumOptimizer")),
    "training.adagrad": ("train", (
        "AdagradOptimizer")),
    "training.rmsprop": ("train", (
        "RMSPropOptimizer")),
    "training.adadelta": ("train", (
        "AdadeltaOptimizer")),
    "training.ftrl": ("train", (
        "FtrlOptimizer")),
    "training.training_util": ("train", (
        "assert_global_step create_global_step get_global_step get_or_create_global_step "
        "global_step write_graph=io.write_graph")),
    "training.moving_averages": ("train", (
        "ExponentialMovingAverage")),
    "training.saver": ("train", (
        "Saver checkpoint_exists export_meta_graph generate_checkpoint_state_proto "
        "get_checkpoint_mtimes get_checkpoint_state import_meta_graph latest_checkpoint "
        "remove_checkpoint update_checkpoint_state")),
    "training.checkpoint_management": ("train", (
        "checkpoint_exists generate_checkpoint_state_proto get_checkpoint_mtimes "
        "get_checkpoint_state latest_checkpoint remove_checkpoint update_checkpoint_state")),
    "checkpoint.checkpoint_management": ("train", (
        "checkpoint_exists generate_checkpoint_state_proto get_checkpoint_mtimes "
        "get_checkpoint_state latest_checkpoint remove_checkpoint update_checkpoint_state")),
    "training.checkpoint_utils": ("train", (
        "checkpoints_iterator init_from_checkpoint list_variables load_checkpoint "
        "load_variable")),
    "training.py_checkpoint_reader": ("train", (
        "NewCheckpointReader")),
    "training.learning_rate_decay": ("train", (
        "cosine_decay cosine_decay_restarts exponential_decay inverse_time_decay "
        "linear_cosine_decay natural_exp_decay noisy_linear_cosine_decay piecewise_constant "
        "polynomial_decay")),
    "summary.writer.writer": ("summary", ("FileWriter")),
    "summary.writer.writer_cache": ("summary", ("FileWriterCache")),
    "summary.summary": ("summary", (
        "Event=Event FileWriter FileWriterCache SessionLog=SessionLog Summary=Summary "
        "SummaryDescription TaggedRunMetadata audio get_summary_description histogram image "
        "merge merge_all scalar tensor_summary text")),
    "ops.rnn": ("nn", (
        "bidirectional_dynamic_rnn dynamic_rnn static_bidirectional_rnn static_rnn")),
    "ops.rnn_cell_impl": ("nn.rnn_cell", (
        "BasicLSTMCell BasicRNNCell DeviceWrapper DropoutWrapper GRUCell LSTMCell "
        "LSTMStateTuple MultiRNNCell RNNCell ResidualWrapper")),
    "ops.rnn_cell": ("nn.rnn_cell", (
        "BasicLSTMCell BasicRNNCell DeviceWrapper DropoutWrapper GRUCell LSTMCell "
        "LSTMStateTuple MultiRNNCell RNNCell ResidualWrapper")),
}
MODULES["framework.errors_impl"] = MODULES["framework.errors"]  # TF1 code imports either

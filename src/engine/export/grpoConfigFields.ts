/**
 * The option names GRPOConfig accepts in TRL 1.9.0, copied from the source, so a test can
 * check that the exported script names only options that exist.
 *
 * - GRPO_CONFIG_FIELDS: the dataclass fields of trl/trainer/grpo_config.py at tag v1.9.0
 *   (github.com/huggingface/trl, commit 35def3ee000a87f6839e66f4b7749b06274ed1b3), in order.
 * - BASE_CONFIG_FIELDS: those trl/trainer/base_config.py (_BaseConfig, same tag) overrides.
 * - TRAINING_ARGUMENTS_USED: the transformers.TrainingArguments fields the script passes
 *   (GRPOConfig subclasses it via _BaseConfig), from src/transformers/training_args.py
 *   (github.com/huggingface/transformers, commit 00349ae87eddc872ffa21a8a54f264375a0056a8;
 *   TRL 1.9.0's pyproject.toml asks for transformers>=4.56.2). Only the ones used, checked by hand.
 */
export const GRPO_CONFIG_FIELDS = [
  'learning_rate', 'model_init_kwargs', 'trust_remote_code', 'router_aux_loss_coef', 'disable_dropout', 'cast_lm_head_to_fp32', 'remove_unused_columns',
  'num_generations', 'num_generations_eval', 'max_completion_length', 'ds3_gather_for_generation', 'shuffle_dataset', 'pad_to_multiple_of',
  'generation_batch_size', 'steps_per_generation', 'temperature', 'top_p', 'top_k', 'min_p', 'generation_kwargs', 'chat_template_kwargs',
  'repetition_penalty', 'cache_implementation', 'use_vllm', 'vllm_mode', 'vllm_model_impl', 'vllm_enable_sleep_mode', 'vllm_structured_outputs_regex',
  'vllm_server_base_url', 'vllm_server_host', 'vllm_server_port', 'vllm_server_timeout', 'vllm_group_port', 'vllm_gpu_memory_utilization',
  'vllm_max_model_length', 'vllm_tensor_parallel_size', 'beta', 'num_iterations', 'epsilon', 'delta', 'epsilon_high', 'sapo_temperature_neg',
  'sapo_temperature_pos', 'vespo_k_pos', 'vespo_lambda_pos', 'vespo_k_neg', 'vespo_lambda_neg', 'importance_sampling_level', 'reward_weights',
  'multi_objective_aggregation', 'scale_rewards', 'loss_type', 'mask_truncated_completions', 'sync_ref_model', 'ref_model_mixup_alpha',
  'ref_model_sync_steps', 'top_entropy_quantile', 'entropy_coef', 'use_adaptive_entropy', 'entropy_coef_min', 'entropy_coef_max', 'entropy_coef_delta',
  'entropy_target', 'max_tool_calling_iterations', 'vllm_importance_sampling_correction', 'vllm_importance_sampling_mode',
  'vllm_importance_sampling_clip_max', 'vllm_importance_sampling_clip_min', 'off_policy_mask_threshold', 'use_bias_correction_kl', 'log_completions',
  'log_multimodal', 'num_completions_to_print', 'log_unique_prompts', 'log_completions_hub_repo', 'use_transformers_continuous_batching',
  'transformers_continuous_batching_config', 'use_transformers_paged', 'vllm_importance_sampling_cap',
] as const;

export const BASE_CONFIG_FIELDS = ['logging_steps', 'gradient_checkpointing', 'bf16', 'lr_scheduler_kwargs', 'use_liger_kernel', 'torch_empty_cache_steps'] as const;

export const TRAINING_ARGUMENTS_USED = ['output_dir', 'per_device_train_batch_size', 'max_steps', 'learning_rate', 'lr_scheduler_type', 'warmup_steps', 'max_grad_norm', 'seed', 'logging_steps'] as const;

/** Every option name the exported script may pass to GRPOConfig. */
export const KNOWN_GRPO_OPTIONS: ReadonlySet<string> = new Set<string>([...GRPO_CONFIG_FIELDS, ...BASE_CONFIG_FIELDS, ...TRAINING_ARGUMENTS_USED]);

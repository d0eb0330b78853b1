-- Text tokens of each document per tokenizer family, as a JSON object ({"qwen3": 1234, "o200k": 987}):
-- each profile counts text in its own model's family (gpt-4o o200k, glm/qwen qwen3, gemini gemma3,
-- claude claude-approx), and a render priced for one profile reports that family's count. Filled
-- as renders and counts report them (json_set, so two families written at once both stay).
-- text_tokens stays the Qwen3 count the upload reports. NULL until a family is known.
ALTER TABLE documents ADD COLUMN text_tokens_by_family TEXT;

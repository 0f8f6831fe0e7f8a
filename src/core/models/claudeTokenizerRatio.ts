/**
 * Claude tokens per o200k_base token (Shipwright's local count) on the newer Claude tokenizer: "Claude Opus 4.7 and
 * later Opus models, Claude Fable 5, Claude Mythos 5, Claude Mythos Preview, and Claude Sonnet 5 use a newer
 * tokenizer. The same input text produces approximately 30 percent more tokens than on earlier models"
 * (https://platform.claude.com/docs/en/build-with-claude/token-counting); the 5.5 family too
 * (https://platform.claude.com/docs/en/models/haiku-5-5/migration-guide#recount-tokens; model-apis-2026-11.md
 * row 15). Per model it is `tokensPerO200k` of the model's capabilities; this figure also pads the local estimate
 * when `count_tokens` cannot answer, for every Claude model (erring high there only costs headroom).
 */
export const CLAUDE_TOKENIZER_RATIO = 1.3;

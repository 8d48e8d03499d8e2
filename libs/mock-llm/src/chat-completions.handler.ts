import type { ApiCall } from './api-call';
import { includeUsage, unixSeconds, usageJson } from './api-call';
import { countWords, lastUserText, messagesTokens, replyFor, splitReply } from './reply-text';
import { DONE_FRAME, sendSse, sseFrame } from './sse';

/** `POST /v1/chat/completions`: https://platform.openai.com/docs/api-reference/chat */
export async function handleChatCompletions(call: ApiCall): Promise<void> {
  const { exchange, body, model, status } = call;
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    exchange.sendError(400, "'messages' must be a non-empty array.", 'messages');
    return;
  }
  const content = replyFor(lastUserText(messages), exchange.behaviour.content);
  const usage = usageJson(messagesTokens(messages), countWords(content));
  const head = `{"id":"chatcmpl-mock-${exchange.idSuffix}","object":"${body.stream === true ? 'chat.completion.chunk' : 'chat.completion'}","created":${unixSeconds()},"model":${JSON.stringify(model)},"system_fingerprint":null,"choices":`;

  if (body.stream !== true) {
    exchange.sendJson(
      status,
      `${head}[{"index":0,"message":{"role":"assistant","content":${JSON.stringify(content)},"refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":${usage}}`,
    );
    return;
  }
  await sendSse(
    exchange,
    status,
    chatChunkFrames(head, content, usage, includeUsage(body), exchange.behaviour.chunks),
  );
}

/** Role chunk, content chunks, finish chunk, optional usage chunk (`choices: []`), `[DONE]`. */
function chatChunkFrames(
  head: string,
  content: string,
  usage: string,
  withUsage: boolean,
  chunks: number | undefined,
): string[] {
  // With include_usage every chunk carries `"usage":null` except the last one.
  const tail = withUsage ? ',"usage":null}' : '}';
  const frames = [
    sseFrame(
      `${head}[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]${tail}`,
    ),
  ];
  for (const piece of splitReply(content, chunks)) {
    frames.push(
      sseFrame(
        `${head}[{"index":0,"delta":{"content":${JSON.stringify(piece)}},"logprobs":null,"finish_reason":null}]${tail}`,
      ),
    );
  }
  frames.push(sseFrame(`${head}[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]${tail}`));
  if (withUsage) frames.push(sseFrame(`${head}[],"usage":${usage}}`));
  frames.push(DONE_FRAME);
  return frames;
}

/**
 * Discord's request-body schemas, generated from its OpenAPI spec (`discord-api-spec/zod`).
 *
 * The package ships its zod module as plain JavaScript with no type declarations, so it is
 * imported through a non-literal specifier (TypeScript leaves those untyped) and each schema is
 * checked at load to have the one method we call. This keeps an ambient `declare module` out of
 * the shared tree, where it could clash with someone else's.
 */
export interface SpecIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  /** zod v4 puts the issues of each union branch here. */
  errors?: SpecIssue[][];
  /** For size issues: string, array, number... */
  origin?: string;
  maximum?: unknown;
  minimum?: unknown;
}

export type SpecResult =
  | { success: true; data: unknown }
  | { success: false; error: { issues: SpecIssue[] } };

export interface SpecSchema {
  safeParse(data: unknown): SpecResult;
}

const SPEC_MODULE: string = 'discord-api-spec/zod';
const spec = (await import(SPEC_MODULE)) as Record<string, unknown>;

const schema = (name: string): SpecSchema => {
  const found = spec[name];
  if (typeof found !== 'object' || found === null || typeof Reflect.get(found, 'safeParse') !== 'function') {
    throw new Error(`discord-api-spec/zod has no schema ${name}`);
  }
  return found as SpecSchema;
};

export const schemas = {
  messageCreate: schema('MessageCreateRequestSchema'),
  messageEdit: schema('MessageEditRequestPartialSchema'),
  callbackMessage: schema('CreateMessageInteractionCallbackRequestSchema'),
  callbackUpdate: schema('UpdateMessageInteractionCallbackRequestSchema'),
  callbackAutocomplete: schema('ApplicationCommandAutocompleteCallbackRequestSchema'),
  callbackModal: schema('ModalInteractionCallbackRequestSchema'),
  callbackPong: schema('PongInteractionCallbackRequestSchema'),
  webhookExecute: schema('IncomingWebhookRequestPartialSchema'),
  webhookEdit: schema('IncomingWebhookUpdateRequestPartialSchema'),
  commandCreate: schema('ApplicationCommandCreateRequestSchema'),
  commandUpdate: schema('ApplicationCommandUpdateRequestSchema'),
  commandPatch: schema('ApplicationCommandPatchRequestPartialSchema'),
  /** Not a request body: what the fake hands out for an attachment (attachments.ts). */
  attachment: schema('AttachmentResponseSchema'),
  forumThread: schema('CreateForumThreadRequestSchema'),
  threadWithoutMessage: schema('CreateTextThreadWithoutMessageRequestSchema'),
  messageThread: schema('CreateTextThreadWithMessageRequestSchema'),
};

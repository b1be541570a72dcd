import type { SessionFields } from "../schemas";
import type { SearchCriteria } from "./schemas";
import type { AssistantReply, AssistantTurn } from "./turn-types";

// The small builders every step module answers with; the types they build are in turn-types.ts.

export function criteriaOf(fields: SessionFields): SearchCriteria {
  return fields.searchCriteria ?? { excludeTutorIds: [] };
}

export function reply(content: string, quickReplies?: readonly string[]): AssistantReply {
  return quickReplies && quickReplies.length > 0 ? { content, quickReplies: [...quickReplies].slice(0, 6) } : { content };
}

export function turn(content: string, quickReplies?: readonly string[], patch: AssistantTurn["patch"] = {}): AssistantTurn {
  return { replies: [reply(content, quickReplies)], patch };
}

import type { SessionFields } from "../schemas";
import type { AssistantReply, AssistantTurn, TutorCatalog } from "./assistant";
import type { LocalNow } from "./clock";
import type { ParsedMessage } from "./parse";
import type { SearchCriteria } from "./schemas";

/** Everything one turn of the assistant works from, computed once per message. */
export interface TurnContext {
  fields: SessionFields;
  message: string;
  parsed: ParsedMessage;
  today: LocalNow;
  catalog: TutorCatalog;
  subjects: readonly string[];
}

export function criteriaOf(fields: SessionFields): SearchCriteria {
  return fields.searchCriteria ?? { excludeTutorIds: [] };
}

export function reply(content: string, quickReplies?: readonly string[]): AssistantReply {
  return quickReplies && quickReplies.length > 0 ? { content, quickReplies: [...quickReplies].slice(0, 6) } : { content };
}

export function turn(content: string, quickReplies?: readonly string[], patch: AssistantTurn["patch"] = {}): AssistantTurn {
  return { replies: [reply(content, quickReplies)], patch };
}

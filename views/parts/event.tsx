// A change of agent, model or working place, or the session going idle
// (OpenCode 2 records these as messages of their own).
import { obj, str, type Obj } from "../lib/format.ts";

function modelName(raw: unknown): string {
  const m = obj(raw);
  const name = [str(m.providerID), str(m.id)].filter(Boolean).join("/");
  return name && str(m.variant) ? `${name} (${str(m.variant)})` : name;
}

/** One sentence for the page and the Markdown export. */
export function eventText(part: Obj): string {
  switch (str(part.event)) {
    case "agent-switched":
      return `Agent switched to ${str(part.agent) || "?"}${str(part.previous) ? ` (was ${str(part.previous)})` : ""}`;
    case "model-switched": {
      const previous = modelName(part.previous);
      return `Model switched to ${modelName(part.model) || "?"}${previous ? ` (was ${previous})` : ""}`;
    }
    case "location-switched": {
      const location = obj(part.location);
      const previous = str(obj(obj(part.previous).location).directory);
      const workspace = str(location.workspaceID);
      return `Moved to ${str(location.directory) || "?"}${workspace ? ` (workspace ${workspace})` : ""}${previous ? `, from ${previous}` : ""}`;
    }
    case "idle":
      return "The session went idle";
    default:
      return str(part.event) || "Event";
  }
}

export function EventPart(part: Obj): JSX.Element {
  return <div class="event-line" safe>{eventText(part)}</div>;
}

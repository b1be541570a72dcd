"use client";

import { useState } from "react";
import useSWR from "swr";
import { z } from "@/lib/zod";
import { AppError } from "@/lib/errors";
import { fetchJson } from "@/lib/fetch-json";
import { ForgetMeAnswer, MemoryFacts, type ForgetMeSummary } from "@/lib/memory/page-schemas";
import { isEditable } from "@/lib/memory/correction";
import { KIND_LABEL, factValueText, sourceText } from "@/lib/memory/describe";
import type { StudentFact } from "@/lib/memory/schemas";
import { ForgetMeExplained, ForgetMeSummaryView } from "./forget-me-summary";

const Corrected = z.object({ facts: z.array(z.unknown()) });

/** Every fact the assistant holds about this browser's student: correct one, delete one, or forget everything. */
export function MemoryList() {
  const { data, error, mutate } = useSWR("/api/memory", async (url: string) => MemoryFacts.parse(await fetchJson(url)).facts);
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [forgotten, setForgotten] = useState<ForgetMeSummary | null>(null);

  async function run(id: string, work: () => Promise<string>) {
    setBusy(id);
    setStatus("");
    try {
      setStatus(await work());
      await mutate();
    } catch (caught) {
      setStatus(caught instanceof Error ? caught.message : "That did not work. Please try again.");
    } finally {
      setBusy(null);
    }
  }

  const forget = (fact: StudentFact) =>
    run(fact.id, async () => {
      await fetchJson(`/api/memory/facts/${encodeURIComponent(fact.id)}`, { method: "DELETE" });
      return `Deleted: ${KIND_LABEL[fact.kind].toLowerCase()}.`;
    });

  const correct = (fact: StudentFact) =>
    run(fact.id, async () => {
      const body = JSON.stringify({ value: draft });
      Corrected.parse(await fetchJson(`/api/memory/facts/${encodeURIComponent(fact.id)}`, { method: "PUT", headers: { "content-type": "application/json" }, body }));
      setEditing(null);
      return `Saved: ${KIND_LABEL[fact.kind].toLowerCase()}.`;
    });

  async function forgetMe() {
    setBusy("forget-me");
    setStatus("");
    try {
      setForgotten(ForgetMeAnswer.parse(await fetchJson("/api/memory/forget-me", { method: "POST" })));
      setConfirming(false);
      await mutate([], { revalidate: false });
    } catch (caught) {
      setStatus(caught instanceof Error ? caught.message : "Nothing was deleted. Please try again.");
    } finally {
      setBusy(null);
    }
  }

  if (forgotten) return <ForgetMeSummaryView summary={forgotten} />;
  if (error) {
    const offline = error instanceof AppError && error.status === 503;
    return (
      <p className="notice" role="status">
        {offline ? "Memory needs the saved chat service, which is not running, so nothing can be shown here." : "Your memory could not be loaded. Please reload the page."}
      </p>
    );
  }
  if (!data) return <p role="status">Loading what the assistant remembers…</p>;
  return (
    <>
      <p role="status" className="history-status">
        {status}
      </p>
      {data.length === 0 ? (
        <p data-testid="memory-empty">The assistant remembers nothing about you.</p>
      ) : (
        <ul className="history-list" data-testid="memory-list">
          {data.map((fact) => (
            <li key={fact.id} data-testid="memory-fact" data-fact-id={fact.id}>
              {editing === fact.id ? (
                <form
                  className="history-title"
                  onSubmit={(event) => {
                    event.preventDefault();
                    void correct(fact);
                  }}
                >
                  <label htmlFor={`fact-${fact.id}`}>{KIND_LABEL[fact.kind]}</label>{" "}
                  <input id={`fact-${fact.id}`} value={draft} onChange={(event) => setDraft(event.target.value)} maxLength={200} required />{" "}
                  <button type="submit" className="button" disabled={busy === fact.id}>
                    Save
                  </button>{" "}
                  <button type="button" className="button secondary" onClick={() => setEditing(null)}>
                    Keep as it was
                  </button>
                </form>
              ) : (
                <span className="history-title">
                  <strong>{KIND_LABEL[fact.kind]}:</strong> {factValueText(fact)} <small>({sourceText(fact.source, fact.learnedAt)})</small>
                </span>
              )}
              {editing !== fact.id && isEditable(fact.kind) && (
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => {
                    setEditing(fact.id);
                    setDraft(fact.value);
                  }}
                  aria-label={`Correct ${KIND_LABEL[fact.kind].toLowerCase()}`}
                >
                  Correct
                </button>
              )}
              <button
                type="button"
                className="button secondary"
                disabled={busy === fact.id}
                onClick={() => void forget(fact)}
                aria-label={`Delete ${KIND_LABEL[fact.kind].toLowerCase()}: ${factValueText(fact)}`}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <section aria-labelledby="forget-me-heading">
        <h2 id="forget-me-heading">Forget me</h2>
        <ForgetMeExplained />
        {confirming ? (
          <p>
            <button type="button" className="button" disabled={busy === "forget-me"} onClick={() => void forgetMe()}>
              Yes, forget me and delete my chats (my bookings stay)
            </button>{" "}
            <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
              No, keep everything
            </button>
          </p>
        ) : (
          <button type="button" className="button secondary" onClick={() => setConfirming(true)}>
            Forget me…
          </button>
        )}
      </section>
    </>
  );
}

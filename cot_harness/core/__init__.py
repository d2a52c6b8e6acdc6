"""The ground floor: pure text and statistics that every other layer builds on — prompts, answer
reading, step splitting, interventions, hints, statistics, errors and paths, and the abduction
domain (chatbot roster, behaviour scoring, identity reading). No model calls, no Inspect internals."""

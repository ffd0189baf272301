"""Program generation from a client's intake: a profile, a catalogue of exercises, rules
grounded in training research, an engine that writes a draft, and a validator that checks
any program against a profile. Pure Python over in-memory data, so it is fast and testable;
services.py turns a plan into a Program."""

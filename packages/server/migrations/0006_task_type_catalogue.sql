-- The QC task type catalogue (DOMAIN.md "QC work"), as data a Studio Admin can extend.
INSERT INTO "task_types" ("key", "name", "description", "requires_role", "sort_order") VALUES
  ('full_qc', 'Full QC', 'A 100% linear pass of the deliverable, flagging every issue found.', NULL, 10),
  ('spot_qc', 'Spot QC', 'Five points: the first 2 minutes, 1 minute at 25%, 50% and 75%, and the last 2 minutes.', NULL, 20),
  ('fix_check', 'Fix Check', 'A Spot QC plus each issue marked "Production Will Fix"; items marked "Creative Intent" or "Best Possible" are confirmed still present. Goes back to the operator who did the first QC.', NULL, 30),
  ('download_fix_check', 'Download Fix Check', 'Download the supplemental package, check the previous report''s flags, and watch every newly delivered clip with 10-second handles each side; clips over 10 minutes may become a Full QC.', NULL, 40),
  ('audio_qc', 'Audio QC', 'Audio-only QC of master audio (WAV/BWF): loudness, true peak, sync, channel mapping and the audio error codes.', NULL, 50),
  ('me_spot_check', 'M&E Spot Check', 'Spot check of a Music & Effects mix: no dialogue, no loudness check; mapping, sync and artefacts.', NULL, 60),
  ('verification', 'Verification', 'Verify QC reports made by operators of other facilities (never one''s own facility). Verifiers only.', 'verifier', 70);

-- Event writers and commit-order readers meet on one advisory lock (key 8097862956487435638,
-- the bytes of "pacta:ev"; `EVENT_WRITERS_LOCK_KEY` in ledger/src/store/database.rs).
-- Every transaction that inserts events holds it in shared mode from before its first write to
-- its end; a reader holds it exclusively for an instant to learn a horizon below which every
-- event-writing transaction has ended (docs/ledger-format.md §5). The lock must come before the
-- transaction has an id, since the horizon is a transaction id: this statement trigger runs
-- before the INSERT writes its first row, and refuses an INSERT in a transaction that already
-- wrote something else without the lock (insert the events first).
CREATE FUNCTION events_writer_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('pacta.writes_events', true) IS DISTINCT FROM 'on' THEN
    IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
      RAISE EXCEPTION 'events must be the first thing a transaction writes (it already has transaction id %): a commit-order reader could otherwise pass them', pg_current_xact_id_if_assigned();
    END IF;
    PERFORM pg_advisory_xact_lock_shared(8097862956487435638);
    PERFORM set_config('pacta.writes_events', 'on', true);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER events_writer_lock
  BEFORE INSERT ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_writer_lock();

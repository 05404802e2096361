-- TRUNCATE bypasses row-level triggers: refuse it with a statement-level one.
CREATE TRIGGER events_no_truncate
  BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();

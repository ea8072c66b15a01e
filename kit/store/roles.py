"""Who may do what in a PostgreSQL gradebook, enforced by the database itself (``kit gradebook grant``).

Before ``grant`` runs, everyone connects as one role and the kit trusts what the client sends: anyone can insert a
forged decision with a correctly recomputed chain, read the blind second appraisals, delete others' positions, hold
the write lock forever or empty ``kit_meta``. ``grant`` (run by the gradebook's owner, the role that created it)
turns the accounts registry into one LOGIN role per account and moves every rule that matters into the database,
where a kernel that edits its environment or a colleague typing SQL cannot go around it:

- group roles ``kit_evaluator``, ``kit_secretary``, ``kit_council``, ``kit_operator`` (all members of
  ``kit_account``) carry the table rights; the accounts and their roles are also written to ``kit_accounts``,
  which the functions and policies read (``pg_has_role`` cannot be used: it says a superuser is a member of
  every role, so the owner would be taken for an evaluator);
- app roles hold no right at all on ``kit_meta`` and no INSERT/UPDATE/DELETE on ``decisions`` or
  ``award_events``: they write only through ``kit_record_decisions`` and ``kit_record_award_event``, functions the
  owner defines (SECURITY DEFINER, ``search_path`` pinned). These take the write lock with a timeout (a few
  seconds, then a refusal naming the account that holds it, from ``pg_locks``/``pg_stat_activity``), check what
  the author saw (``record_if_current``'s semantics), set the author from ``session_user``, the time from the
  server's clock, compute the id and the chain (``kit_link``: the same bytes as ``kit.store.ledger.link``) and
  update the heads in ``kit_meta`` — the client never sends a chain, an id or a name;
- a trigger on every table with an author refuses (chained tables) or overwrites (positions, comment library) an
  author other than ``session_user`` for accounts, so no path records one account's act under another name;
- the assignments are synchronised into ``kit_assignments`` (year, account, unit, code, round): an evaluator
  records a first appraisal only on a round-1 criterion given to them, a second appraisal only on a round-2 one
  (a round nobody was given in a year is open to every evaluator, as the kit's own check says); the secretary
  records explanations, decisions after them, reconciliations and revocations (``kit.core.vocab.RECORDED_BY``);
  council and operator record nothing;
- row-level security: an evaluator does not read another's second appraisal of a criterion before its
  reconciliation (the blind second opinion), and reads and writes only their own position.

Reading with hidden rows and the hash chain. An evaluator's kernel checks a year's whole chain on every read
(``Gradebook.history``), and cannot recompute the link of a row it is not allowed to see. ``kit_year_chains``
(SECURITY DEFINER) returns every row's id, unit, code and stored chain, whether the caller may see it, and for the
rows hidden from the caller whether their stored chain is the link of their content, checked by the server. The
client recomputes every visible row itself, takes the server's word for the hidden ones only, and compares the
heads (``kit_meta``'s and the ledger file's) with the full list of chains as before. Hidden rows' content never
leaves the server; their chain does (a SHA-256 over content that includes a microsecond timestamp and the
comment: not a practical way to guess a score). Operators, the secretary and the council see every row and check
everything themselves, as ``kit gradebook verify`` does.

The owner's own connection is untouched: policies do not apply to a table's owner and the functions are only the
accounts' path, so migrations, imports and a gradebook whose owner never ran ``grant`` behave as before.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

from kit.core.errors import GradebookError
from kit.core.vocab import RECORDED_BY, Role, Stage

LOCK_KEY = 4242  # the write lock (kit.store.engine takes the same key on the owner's path)
LOCK_WAIT_SECONDS = 3
GROUPS = {"evaluator": "kit_evaluator", "secretary": "kit_secretary", "council": "kit_council",
          "operator": "kit_operator"}
UMBRELLA = "kit_account"
# SQLSTATEs the functions raise: the client shows their message as is (kit.store.engine)
REFUSED, LOCKED = "KT403", "KT423"


@dataclass(frozen=True)
class AccountRoles:
    """One registry entry as ``grant`` needs it: the account (a PostgreSQL role name) and its role values."""

    account: str
    roles: frozenset[str]


@dataclass(frozen=True)
class Assignment:
    """One criterion given to an account for a round (``kit.scoring.agreement.assigned``, expanded)."""

    year: int
    account: str
    unit: str
    code: str
    round: int


@dataclass
class GrantReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    credentials: dict[str, Path] = field(default_factory=dict)  # account -> the file holding its connection URL
    assignments: int = 0


def _q(name: str) -> str:
    """A role name as an SQL identifier (accounts are checked ``^[a-z][a-z0-9_.-]{0,31}$``; quoted anyway)."""
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def scram_verifier(password: str, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802/7677, the format of
    ``pg_authid.rolpassword``): sent instead of the password, so neither the server's log nor its statistics ever
    hold the password itself."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored = hashlib.sha256(client_key).digest()
    server = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored)}:{b64(server)}"


def _stage_labels() -> str:
    return "CASE p_stage " + " ".join(f"WHEN {_lit(s.value)} THEN {_lit(s.label)}" for s in Stage) + \
        " ELSE p_stage END"


def _secretary_stages() -> str:
    """The stages only a secretary records, as an SQL list, from the table the kit's own check reads."""
    return ", ".join(_lit(s.value) for s, role in RECORDED_BY.items() if role is Role.SECRETARY)


def functions_sql(schema: str) -> list[str]:
    """The owner's functions, triggers and policies (idempotent: ``grant`` runs them every time)."""
    path = f"SET search_path = {_q(schema)}, pg_temp"
    definer = f"SECURITY DEFINER {path}"
    wait = LOCK_WAIT_SECONDS
    return [
        """CREATE TABLE IF NOT EXISTS kit_accounts (account text PRIMARY KEY, roles text[] NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS kit_assignments (year integer NOT NULL, account text NOT NULL,
            unit text NOT NULL, code text NOT NULL, round integer NOT NULL,
            PRIMARY KEY (year, unit, code, round, account))""",
        # -- the chain, byte for byte kit.store.ledger.link / _text ------------------------------------------
        # (pure SQL, no SET clause: inlined into the definer functions, which pin search_path and the float format)
        """CREATE OR REPLACE FUNCTION kit_t(v text) RETURNS bytea LANGUAGE sql IMMUTABLE AS
            $$ SELECT CASE WHEN v IS NULL THEN '\\x00'::bytea ELSE convert_to(v, 'UTF8') END $$""",
        # Python's repr of a float: PostgreSQL's shortest text (extra_float_digits = 1, set by the callers) with
        # ".0" on integral values, inf/-inf; both switch to an exponent below 1e-4, and scores never reach 1e15
        # (refused there); -0.0 + 0.0 is 0.0 in both
        """CREATE OR REPLACE FUNCTION kit_f(v double precision) RETURNS bytea LANGUAGE sql STABLE AS $$
            SELECT CASE WHEN v IS NULL OR v = 'NaN'::double precision THEN '\\x00'::bytea
                        WHEN v = 'Infinity'::double precision THEN convert_to('inf', 'UTF8')
                        WHEN v = '-Infinity'::double precision THEN convert_to('-inf', 'UTF8')
                        ELSE convert_to((v + 0.0)::text || CASE WHEN (v + 0.0)::text ~ '[e.]' THEN '' ELSE '.0' END,
                                        'UTF8') END $$""",
        """CREATE OR REPLACE FUNCTION kit_b(v boolean) RETURNS bytea LANGUAGE sql IMMUTABLE AS
            $$ SELECT CASE WHEN v IS NULL THEN '\\x00'::bytea WHEN v THEN '\\x31'::bytea ELSE '\\x30'::bytea END $$""",
        """CREATE OR REPLACE FUNCTION kit_link(previous text, parts bytea[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
            SELECT encode(sha256(convert_to(previous, 'UTF8') || coalesce(
              (SELECT string_agg('\\x1f'::bytea || p, ''::bytea ORDER BY i) FROM unnest(parts) WITH ORDINALITY
               AS u(p, i)), ''::bytea)), 'hex') $$""",
        """CREATE OR REPLACE FUNCTION kit_decision_parts(d decisions) RETURNS bytea[] LANGUAGE sql STABLE AS $$
            SELECT ARRAY[kit_t(d.id::text), kit_t(d.year::text), kit_t(d.unit), kit_t(d.code),
                         kit_t(d.criterion_key), kit_t(d.stage), kit_f(d.score), kit_b(d.na), kit_t(d.evaluator),
                         kit_t(d.comment), kit_t(d.created_at), kit_f(d.self_score), kit_t(d.evidence_hash),
                         kit_t(d.source)] $$""",
        """CREATE OR REPLACE FUNCTION kit_event_parts(e award_events) RETURNS bytea[] LANGUAGE sql IMMUTABLE AS $$
            SELECT ARRAY[kit_t(e.id::text), kit_t(e.kind), kit_t(e.decision), kit_t(e.subject), kit_t(e.title),
                         kit_t(e.reason), kit_t(e.evaluator), kit_t(e.number), kit_t(e.effective),
                         kit_t(e.created_at), kit_t(e.source)] $$""",
        # kit.store.schema.now: local time with its offset, to the microsecond
        f"""CREATE OR REPLACE FUNCTION kit_now() RETURNS text LANGUAGE sql VOLATILE {path} AS
            $$ SELECT to_char(clock_timestamp(), 'YYYY-MM-DD"T"HH24:MI:SS.USTZH:TZM') $$""",
        # -- who is acting ----------------------------------------------------------------------------------
        f"""CREATE OR REPLACE FUNCTION kit_account_roles() RETURNS text[] LANGUAGE sql STABLE {definer} AS
            $$ SELECT roles FROM kit_accounts WHERE account = session_user $$""",
        f"""CREATE OR REPLACE FUNCTION kit_blind() RETURNS boolean LANGUAGE sql STABLE {definer} AS
            $$ SELECT coalesce('evaluator' = ANY(r) AND NOT 'secretary' = ANY(r), false)
               FROM (SELECT kit_account_roles() AS r) x $$""",
        f"""CREATE OR REPLACE FUNCTION kit_reconciled(p_year integer, p_unit text, p_code text) RETURNS boolean
            LANGUAGE sql STABLE {definer} AS
            $$ SELECT EXISTS (SELECT 1 FROM decisions WHERE year = p_year AND unit = p_unit AND code = p_code
                              AND stage = 'reconciliation') $$""",
        f"""CREATE OR REPLACE FUNCTION kit_hidden(p_stage text, p_evaluator text, p_year integer, p_unit text,
            p_code text) RETURNS boolean LANGUAGE sql STABLE {definer} AS
            $$ SELECT p_stage = 'second' AND p_evaluator <> session_user AND kit_blind()
                      AND NOT kit_reconciled(p_year, p_unit, p_code) $$""",
        f"""CREATE OR REPLACE FUNCTION kit_author() RETURNS trigger LANGUAGE plpgsql {definer} AS $$
            BEGIN
              IF kit_account_roles() IS NULL THEN RETURN NEW; END IF;  -- the owner: trusted, as before grant
              IF TG_TABLE_NAME = 'comment_library' THEN
                NEW.created_by := session_user;
              ELSIF TG_TABLE_NAME = 'positions' THEN
                NEW.evaluator := session_user;
              ELSIF NEW.evaluator IS DISTINCT FROM session_user THEN  -- chained: the name is in the chain
                RAISE EXCEPTION 'Tài khoản % không ghi được thay cho "%": người ghi luôn là tài khoản đăng nhập.',
                  session_user, NEW.evaluator USING ERRCODE = '{REFUSED}';
              END IF;
              RETURN NEW;
            END $$""",
        # -- the write lock, with a timeout that names who holds it ------------------------------------------
        # waits in the lock manager's queue (first come, first served), lock_timeout bounding the wait
        f"""CREATE OR REPLACE FUNCTION kit_take_lock() RETURNS void LANGUAGE plpgsql {definer}
            SET lock_timeout = '{wait}s' AS $$
            DECLARE holder text;
            BEGIN
              PERFORM pg_advisory_xact_lock({LOCK_KEY});
            EXCEPTION WHEN lock_not_available THEN
              SELECT string_agg(DISTINCT a.usename::text, ', ') INTO holder
                FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
               WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = {LOCK_KEY}
                 AND l.objsubid = 1 AND l.pid <> pg_backend_pid();
              RAISE EXCEPTION 'Sổ điểm đang bị tài khoản % giữ khóa ghi quá {wait} giây: quyết định CHƯA được '
                'lưu, điểm vừa nhập vẫn còn trên bảng. Hãy bấm Lưu lại sau ít phút; nếu vẫn vậy, nhờ tài khoản '
                'đó đóng phiên làm việc hoặc nhờ cán bộ vận hành kiểm tra.', coalesce(holder, '(không rõ)')
                USING ERRCODE = '{LOCKED}';
            END $$""",
        # -- what an account may record ------------------------------------------------------------------------
        f"""CREATE OR REPLACE FUNCTION kit_check_may_write(p_stage text, p_year integer, p_unit text, p_code text)
            RETURNS void LANGUAGE plpgsql {definer} AS $$
            DECLARE r text[] := kit_account_roles(); rnd integer; given text;
            BEGIN
              IF r IS NULL THEN
                RAISE EXCEPTION 'Tài khoản % không có trong danh sách tài khoản của sổ điểm: không ghi được. Hãy '
                  'nhờ cán bộ vận hành thêm tài khoản vào accounts.csv rồi chạy kit gradebook grant.', session_user
                  USING ERRCODE = '{REFUSED}';
              END IF;
              IF p_stage IN ({_secretary_stages()}) THEN  -- kit.core.vocab.RECORDED_BY
                IF 'secretary' = ANY(r) THEN RETURN; END IF;
                RAISE EXCEPTION 'Tài khoản % không có vai trò thư ký hội đồng: không ghi được "%" (tiêu chí % của '
                  '%, năm %). Nếu cần, hãy nhờ cán bộ vận hành cấp vai trò trong accounts.csv.',
                  session_user, {_stage_labels()}, p_code, p_unit, p_year USING ERRCODE = '{REFUSED}';
              END IF;
              rnd := CASE WHEN p_stage = 'second' THEN 2 ELSE 1 END;
              IF NOT 'evaluator' = ANY(r) THEN
                RAISE EXCEPTION 'Tài khoản % không có vai trò cán bộ thẩm định: không ghi được "%" (tiêu chí % của '
                  '%, năm %). Nếu cần, hãy nhờ cán bộ vận hành cấp vai trò trong accounts.csv.',
                  session_user, {_stage_labels()}, p_code, p_unit, p_year USING ERRCODE = '{REFUSED}';
              END IF;
              -- as the kit's own check (Workspace._stage_problem): the second appraisal is independent
              IF p_stage = 'second' AND (SELECT evaluator FROM decisions WHERE year = p_year AND unit = p_unit
                   AND code = p_code AND stage = 'appraisal' ORDER BY id DESC LIMIT 1) = session_user::text THEN
                RAISE EXCEPTION 'Tài khoản % đã thẩm định lần 1 tiêu chí % của %, năm %: người đã thẩm định lần 1 '
                  'không chấm lần 2 tiêu chí này (chấm độc lập).', session_user, p_code, p_unit, p_year
                  USING ERRCODE = '{REFUSED}';
              END IF;
              IF p_stage = 'second' AND EXISTS (SELECT 1 FROM decisions WHERE year = p_year AND unit = p_unit
                   AND code = p_code AND stage = 'second' AND evaluator <> session_user::text) THEN
                RAISE EXCEPTION 'Tiêu chí % của %, năm % đã có người khác thẩm định lần 2: tài khoản % không ghi '
                  'đè được.', p_code, p_unit, p_year, session_user USING ERRCODE = '{REFUSED}';
              END IF;
              -- as the kit's own check (Workspace.not_mine): a round nobody was given this year is open to every
              -- evaluator; otherwise only to the accounts given the criterion
              IF EXISTS (SELECT 1 FROM kit_assignments WHERE year = p_year AND account = session_user
                           AND unit = p_unit AND code = p_code AND round = rnd)
                 OR NOT EXISTS (SELECT 1 FROM kit_assignments WHERE year = p_year AND round = rnd) THEN
                RETURN;
              END IF;
              SELECT string_agg(account, ', ' ORDER BY account) INTO given FROM kit_assignments
               WHERE year = p_year AND unit = p_unit AND code = p_code AND round = rnd;
              RAISE EXCEPTION 'Tiêu chí % của đơn vị % (năm %, lượt %) không được giao cho tài khoản %: không ghi '
                'được "%". Hãy chấm đúng các tiêu chí được phân công, hoặc nhờ thư ký hội đồng phân công lại.',
                p_code, p_unit, p_year, rnd, session_user::text ||
                CASE WHEN given IS NULL THEN ' (chưa giao cho ai)' ELSE ' (được giao cho ' || given || ')' END,
                {_stage_labels()} USING ERRCODE = '{REFUSED}';
            END $$""",
        # -- the accounts' only ways to write ---------------------------------------------------------------
        f"""CREATE OR REPLACE FUNCTION kit_record_decisions(items jsonb) RETURNS jsonb LANGUAGE plpgsql {definer}
            SET extra_float_digits = 1 AS $$
            DECLARE heads jsonb; touched jsonb := '{{}}'::jsonb; ids jsonb := '[]'::jsonb; item jsonb;
                    d decisions%ROWTYPE; h jsonb; cur integer; next_id integer;
            BEGIN
              -- who may write what is checked before the lock (only grant changes it): the lock covers the bases,
              -- the ids, the chains and the heads
              FOR item IN SELECT value FROM jsonb_array_elements(items) LOOP
                PERFORM kit_check_may_write(item->>'stage', (item->>'year')::integer, item->>'unit', item->>'code');
              END LOOP;
              PERFORM kit_take_lock();
              heads := coalesce((SELECT value FROM kit_meta WHERE key = 'ledger')::jsonb, '{{}}'::jsonb);
              next_id := coalesce((SELECT max(id) FROM decisions), 0) + 1;
              FOR item IN SELECT value FROM jsonb_array_elements(items) LOOP
                d.year := (item->>'year')::integer; d.unit := item->>'unit'; d.code := item->>'code';
                d.stage := item->>'stage';
                IF (item->>'check')::boolean THEN
                  SELECT max(id) INTO cur FROM decisions WHERE year = d.year AND unit = d.unit AND code = d.code
                     AND stage = ANY(CASE WHEN d.stage = 'second' THEN ARRAY['second']
                                     ELSE ARRAY['appraisal', 'final', 'reconciliation'] END);
                  IF cur IS DISTINCT FROM (item->>'base')::integer THEN
                    ids := ids || 'null'::jsonb;
                    CONTINUE;
                  END IF;
                END IF;
                d.criterion_key := coalesce(item->>'criterion_key', '');
                d.na := coalesce((item->>'na')::boolean, false);
                d.score := CASE WHEN d.na THEN NULL ELSE (item->>'score')::double precision END;
                d.self_score := (item->>'self_score')::double precision;
                IF abs(d.score) >= 1e15 OR abs(d.self_score) >= 1e15 THEN
                  RAISE EXCEPTION 'Điểm của tiêu chí % (%) không hợp lệ.', d.code, d.unit USING ERRCODE = '{REFUSED}';
                END IF;
                d.evaluator := session_user; d.comment := coalesce(item->>'comment', ''); d.created_at := kit_now();
                d.evidence_hash := coalesce(item->>'evidence_hash', ''); d.source := coalesce(item->>'source', '');
                d.id := next_id; next_id := next_id + 1;
                h := coalesce(heads -> d.year::text, '{{"count": 0, "last_id": 0, "chain": ""}}'::jsonb);
                d.chain := kit_link(h->>'chain', kit_decision_parts(d));
                INSERT INTO decisions (id, year, unit, code, criterion_key, stage, score, na, evaluator, comment,
                                       created_at, self_score, evidence_hash, source, chain)
                VALUES (d.id, d.year, d.unit, d.code, d.criterion_key, d.stage, d.score, d.na, d.evaluator,
                        d.comment, d.created_at, d.self_score, d.evidence_hash, d.source, d.chain);
                h := jsonb_build_object('count', (h->>'count')::integer + 1, 'last_id', d.id, 'chain', d.chain);
                heads := jsonb_set(heads, ARRAY[d.year::text], h);
                touched := jsonb_set(touched, ARRAY[d.year::text], h);
                ids := ids || to_jsonb(d.id);
              END LOOP;
              IF touched <> '{{}}'::jsonb THEN
                UPDATE kit_meta SET value = heads::text WHERE key = 'ledger';
                IF NOT FOUND THEN INSERT INTO kit_meta (key, value) VALUES ('ledger', heads::text); END IF;
              END IF;
              RETURN jsonb_build_object('ids', ids, 'heads', touched);
            END $$""",
        f"""CREATE OR REPLACE FUNCTION kit_record_award_event(item jsonb) RETURNS jsonb LANGUAGE plpgsql {definer}
            AS $$
            DECLARE e award_events%ROWTYPE; h jsonb;
            BEGIN
              IF NOT coalesce('secretary' = ANY(kit_account_roles()), false) THEN
                RAISE EXCEPTION 'Tài khoản % không có vai trò thư ký hội đồng: không ghi được việc thu hồi khen '
                  'thưởng. Hãy nhờ cán bộ vận hành cấp vai trò trong accounts.csv.', session_user
                  USING ERRCODE = '{REFUSED}';
              END IF;
              PERFORM kit_take_lock();
              h := coalesce((SELECT value FROM kit_meta WHERE key = 'award_ledger')::jsonb,
                            '{{"count": 0, "last_id": 0, "chain": ""}}'::jsonb);
              e.id := coalesce((SELECT max(id) FROM award_events), 0) + 1;
              e.kind := coalesce(item->>'kind', 'revocation'); e.decision := item->>'decision';
              e.subject := item->>'subject'; e.title := coalesce(item->>'title', ''); e.reason := item->>'reason';
              e.evaluator := session_user; e.number := coalesce(item->>'number', '');
              e.effective := coalesce(item->>'effective', ''); e.created_at := kit_now();
              e.source := coalesce(item->>'source', '');
              e.chain := kit_link(h->>'chain', kit_event_parts(e));
              INSERT INTO award_events (id, kind, decision, subject, title, reason, evaluator, number, effective,
                                        created_at, source, chain)
              VALUES (e.id, e.kind, e.decision, e.subject, e.title, e.reason, e.evaluator, e.number, e.effective,
                      e.created_at, e.source, e.chain);
              h := jsonb_build_object('count', (h->>'count')::integer + 1, 'last_id', e.id, 'chain', e.chain);
              UPDATE kit_meta SET value = h::text WHERE key = 'award_ledger';
              IF NOT FOUND THEN INSERT INTO kit_meta (key, value) VALUES ('award_ledger', h::text); END IF;
              RETURN jsonb_build_object('id', e.id, 'head', h);
            END $$""",
        # -- what an account reads that it has no right to select ----------------------------------------------
        f"""CREATE OR REPLACE FUNCTION kit_meta_read() RETURNS TABLE (key text, value text) LANGUAGE sql STABLE
            {definer} AS $$ SELECT m.key::text, m.value FROM kit_meta m
                            WHERE m.key IN ('schema_version', 'gradebook_id', 'ledger', 'award_ledger') $$""",
        # set-based (a year's history is read on every reload): who is blind is asked once, a hidden row's link
        # recomputed from the chain before it
        f"""CREATE OR REPLACE FUNCTION kit_year_chains(p_year integer) RETURNS TABLE (id integer, unit text,
            code text, chain text, hidden boolean, ok boolean) LANGUAGE sql STABLE {definer}
            SET extra_float_digits = 1 AS $$
            WITH me AS (SELECT kit_blind() AS blind),
            listed AS (SELECT d AS row, d.id, d.year, d.unit, d.code, d.stage, d.evaluator, d.chain,
                              lag(d.chain, 1, '') OVER (ORDER BY d.id) AS previous
                         FROM decisions d WHERE d.year = p_year),
            marked AS (SELECT l.*, (l.stage = 'second' AND l.evaluator <> session_user AND me.blind AND NOT EXISTS
                         (SELECT 1 FROM decisions x WHERE x.year = l.year AND x.unit = l.unit AND x.code = l.code
                          AND x.stage = 'reconciliation')) AS hidden FROM listed l, me)
            SELECT m.id, m.unit::text, m.code::text, m.chain::text, m.hidden,
                   CASE WHEN m.hidden THEN kit_link(m.previous, kit_decision_parts(m.row)) = m.chain END
              FROM marked m ORDER BY m.id $$""",
        # -- the triggers and policies ------------------------------------------------------------------------
        *[stmt for table in ("decisions", "award_events", "positions", "comment_library") for stmt in (
            f"DROP TRIGGER IF EXISTS kit_author ON {table}",
            f"CREATE TRIGGER kit_author BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW "
            "EXECUTE FUNCTION kit_author()")],
        "ALTER TABLE decisions ENABLE ROW LEVEL SECURITY",
        "DROP POLICY IF EXISTS kit_read ON decisions",
        "CREATE POLICY kit_read ON decisions FOR SELECT USING "
        "(stage <> 'second' OR evaluator = session_user OR NOT kit_hidden(stage, evaluator, year, unit, code))",
        "ALTER TABLE positions ENABLE ROW LEVEL SECURITY",
        "DROP POLICY IF EXISTS kit_own ON positions",
        "CREATE POLICY kit_own ON positions USING (evaluator = session_user) WITH CHECK (evaluator = session_user)",
        "ALTER TABLE comment_library ENABLE ROW LEVEL SECURITY",
        "DROP POLICY IF EXISTS kit_read ON comment_library",
        "CREATE POLICY kit_read ON comment_library FOR SELECT USING (true)",
        "DROP POLICY IF EXISTS kit_add ON comment_library",
        "CREATE POLICY kit_add ON comment_library FOR INSERT WITH CHECK (created_by = session_user)",
    ]


def privileges_sql(schema: str) -> list[str]:
    """The groups' rights, from nothing: what is not granted here an account cannot do. CREATE on the schema is
    taken from PUBLIC (granted by default before PostgreSQL 15): an account's own kit_t(varchar) overload would
    otherwise be called by the owner's SECURITY DEFINER functions."""
    groups = ", ".join(GROUPS.values())
    writers = f"{GROUPS['evaluator']}, {GROUPS['secretary']}"
    functions = ["kit_record_decisions(jsonb)", "kit_record_award_event(jsonb)", "kit_meta_read()",
                 "kit_year_chains(integer)", "kit_take_lock()", "kit_check_may_write(text, integer, text, text)",
                 "kit_account_roles()", "kit_blind()", "kit_reconciled(integer, text, text)",
                 "kit_hidden(text, text, integer, text, text)", "kit_author()"]
    out = [f"REVOKE CREATE ON SCHEMA {_q(schema)} FROM PUBLIC",
           f"REVOKE ALL ON kit_meta, decisions, award_events, positions, comment_library, kit_accounts, "
           f"kit_assignments FROM PUBLIC, {groups}",
           *[f"REVOKE ALL ON FUNCTION {f} FROM PUBLIC" for f in functions],
           f"GRANT SELECT ON decisions, award_events, comment_library, kit_assignments TO {groups}",
           f"GRANT INSERT ON comment_library TO {writers}",
           f"GRANT USAGE ON SEQUENCE comment_library_id_seq TO {writers}",
           f"GRANT SELECT, INSERT, UPDATE, DELETE ON positions TO {writers}",
           f"GRANT EXECUTE ON FUNCTION kit_meta_read(), kit_year_chains(integer), kit_hidden(text, text, integer, "
           f"text, text), kit_account_roles(), kit_blind(), kit_reconciled(integer, text, text) TO {groups}",
           f"GRANT EXECUTE ON FUNCTION kit_record_decisions(jsonb) TO {writers}",
           f"GRANT EXECUTE ON FUNCTION kit_record_award_event(jsonb) TO {GROUPS['secretary']}"]
    return out


def _ddl(conn: Connection, statement: str) -> None:
    """A statement without parameters (the driver still reads ``%`` as a placeholder: doubled)."""
    conn.exec_driver_sql(statement.replace("%", "%%"))


def _ensure_group(conn: Connection, name: str) -> None:
    if conn.execute(text("SELECT to_regrole(:n)"), {"n": name}).scalar() is None:
        _ddl(conn, f"CREATE ROLE {_q(name)} NOLOGIN")


def grant(conn: Connection, accounts: Sequence[AccountRoles], assignments: Iterable[Assignment],
          credentials: Path | None, url: str, *, new_passwords: bool = False) -> GrantReport:
    """Make the database's roles, rights and assignments those of the registry, in the owner's transaction
    ``conn``. A new account (or every account with ``new_passwords``) gets a random password, delivered only as a
    file ``credentials/<account>.url`` (mode 0600, its connection URL) for the operator to hand to that person; an
    account no longer in the registry loses its login and groups (its role stays: rows name it)."""
    report = GrantReport()
    owner = str(conn.execute(text("SELECT session_user")).scalar())
    if conn.execute(text("SELECT to_regclass('decisions')")).scalar() is None:
        raise GradebookError("Chưa có sổ điểm trong cơ sở dữ liệu này: hãy chạy kit gradebook init trước.")
    if not conn.execute(text("SELECT pg_has_role(session_user, (SELECT tableowner FROM pg_tables WHERE "
                             "tablename = 'decisions' AND schemaname = current_schema()), 'USAGE')")).scalar():
        raise GradebookError(f"Tài khoản {owner} không phải chủ sổ điểm: kit gradebook grant do tài khoản đã tạo "
                             "sổ điểm (kit gradebook init) chạy.")
    for group in [UMBRELLA, *GROUPS.values()]:
        _ensure_group(conn, group)
    for group in GROUPS.values():
        _ddl(conn, f"GRANT {UMBRELLA} TO {group}")
    schema = str(conn.execute(text("SELECT current_schema()")).scalar())
    for stmt in functions_sql(schema) + privileges_sql(schema):
        _ddl(conn, stmt)
    wanted = {a.account: a for a in accounts}
    if owner in wanted:
        raise GradebookError(f"Tài khoản {owner} là chủ sổ điểm, không dùng làm tài khoản làm việc: hãy đặt tên "
                             "khác trong accounts.csv hoặc chạy grant bằng tài khoản chủ khác.")
    known = {str(a) for (a,) in conn.execute(text("SELECT account FROM kit_accounts"))}
    pending: dict[str, str] = {}
    for name, entry in sorted(wanted.items()):
        attrs = conn.execute(text("SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls FROM pg_roles "
                                  "WHERE rolname = :n"), {"n": name}).first()
        if attrs is not None and attrs[0]:
            raise GradebookError(f"Vai trò PostgreSQL \"{name}\" đã có và có quyền quản trị: không dùng làm tài "
                                 "khoản làm việc. Hãy đổi tên tài khoản trong accounts.csv.")
        password = secrets.token_urlsafe(18) if attrs is None or new_passwords else None
        verifier = f" PASSWORD {_lit(scram_verifier(password))}" if password else ""
        if attrs is None:
            _ddl(conn, f"CREATE ROLE {_q(name)} LOGIN INHERIT{verifier}")
            report.created.append(name)
        else:
            _ddl(conn, f"ALTER ROLE {_q(name)} LOGIN{verifier}")
            report.updated.append(name)
        # a kernel left inside a transaction cannot keep the write lock, or anything else, for long
        _ddl(conn, f"ALTER ROLE {_q(name)} SET idle_in_transaction_session_timeout = '60s'")
        _ddl(conn, f"ALTER ROLE {_q(name)} SET lock_timeout = '{LOCK_WAIT_SECONDS}s'")
        for role, group in GROUPS.items():
            verb = "GRANT {g} TO {a}" if role in entry.roles else "REVOKE {g} FROM {a}"
            _ddl(conn, verb.format(g=group, a=_q(name)))
        conn.execute(text("INSERT INTO kit_accounts (account, roles) VALUES (:a, :r) ON CONFLICT (account) DO "
                          "UPDATE SET roles = EXCLUDED.roles"), {"a": name, "r": sorted(entry.roles)})
        if password:
            pending[name] = password
    for name in sorted(known - set(wanted)):
        if conn.execute(text("SELECT to_regrole(:n)"), {"n": name}).scalar() is not None:
            _ddl(conn, f"ALTER ROLE {_q(name)} NOLOGIN")
            for group in GROUPS.values():
                _ddl(conn, f"REVOKE {group} FROM {_q(name)}")
        conn.execute(text("DELETE FROM kit_accounts WHERE account = :a"), {"a": name})
        report.disabled.append(name)
    conn.execute(text("DELETE FROM kit_assignments"))
    rows = [{"y": a.year, "a": a.account, "u": a.unit, "c": a.code, "r": a.round} for a in set(assignments)]
    if rows:
        conn.execute(text("INSERT INTO kit_assignments (year, account, unit, code, round) VALUES "
                          "(:y, :a, :u, :c, :r)"), rows)
    report.assignments = len(rows)
    if pending:
        if credentials is None:
            raise GradebookError("Có tài khoản mới cần mật khẩu: hãy chỉ định thư mục nhận mật khẩu "
                                 "(--credentials THƯ_MỤC), thư mục chỉ cán bộ vận hành đọc được.")
        for name, password in pending.items():
            report.credentials[name] = write_credential(credentials, name, password, url)
    return report


def account_url(url: str, account: str, password: str) -> str:
    """The owner's URL (host, port, database) with an account's login in place of the owner's."""
    parsed = make_url(url).set(username=account, password=password)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def write_credential(folder: Path, account: str, password: str, url: str) -> Path:
    """``folder/<account>.url``: the account's connection URL, readable by its owner only (0600 from creation, in
    a folder made 0700), replaced whole. Never printed, never on a command line."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / f"{account}.url"
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{account}.", suffix=".tmp")  # 0600
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(account_url(url, account, password) + "\n")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def restricted(conn: Connection) -> bool:
    """Whether this connection is an account's after ``grant``: it may not read ``kit_meta`` and writes through
    the owner's functions (the owner, and any gradebook where grant never ran, keep the direct path)."""
    if conn.dialect.name != "postgresql":
        return False
    return bool(conn.execute(text(
        "SELECT to_regclass('kit_meta') IS NOT NULL AND to_regprocedure('kit_record_decisions(jsonb)') IS NOT NULL "
        "AND NOT has_table_privilege('kit_meta', 'SELECT')")).scalar())

"""The read queries behind reports, charts and the dashboard, written once.

They use `:named` parameters so the same text runs through `Store.query` for the CLI and as a
Datasette canned query on the dashboard: a number on the web page and in `dojo report` cannot
disagree. `:today` is passed in (not `date('now')`) so tests and reports agree on what "overdue" means.
"""
from __future__ import annotations

TEAM_OVERVIEW = """
select
  u.id as trainee,
  u.name as name,
  count(s.id) as sessions,
  coalesce(sum(s.status = 'completed'), 0) as completed,
  coalesce(sum(s.status = 'abandoned'), 0) as abandoned,
  coalesce(sum(s.mode = 'exam' and s.status = 'completed'), 0) as exams,
  coalesce(sum(s.mode = 'exam' and s.passed = 1), 0) as exams_passed,
  round(avg(case when s.status = 'completed' then s.overall end), 1) as avg_overall,
  round(avg(case when s.status = 'completed' then s.compliance end), 1) as avg_compliance,
  round(avg(case when s.status = 'completed' then s.nvc end), 1) as avg_nvc,
  round(avg(case when s.status = 'completed' then s.deescalation end), 1) as avg_deescalation,
  coalesce(sum(s.violation_count), 0) as violations,
  coalesce(sum(s.critical_count), 0) as critical,
  coalesce((select max(c.level) from certifications c
            where c.trainee_id = u.id and c.revoked_at is null), 0) as level,
  max(s.started_at) as last_active
from users u
left join sessions s on s.trainee_id = u.id
where u.role = 'trainee'
group by u.id
order by u.id
"""

TRAINEE_PROGRESS = """
select
  s.id as session,
  s.started_at as started,
  s.ended_at as ended,
  s.scenario_id as scenario,
  sc.persona as persona,
  s.lang as lang,
  s.mode as mode,
  s.status as status,
  s.outcome as outcome,
  s.turn_count as turns,
  s.overall as overall,
  s.compliance as compliance,
  s.nvc as nvc,
  s.deescalation as deescalation,
  s.passed as passed,
  s.violation_count as violations,
  s.critical_count as critical
from sessions s
left join scenarios sc on sc.id = s.scenario_id
where s.trainee_id = :trainee
order by s.started_at desc, s.id desc
limit :limit
"""

TRAINEE_TOTALS = """
select
  count(*) as sessions,
  coalesce(sum(status = 'completed'), 0) as completed,
  coalesce(sum(status = 'abandoned'), 0) as abandoned,
  coalesce(sum(status = 'active'), 0) as active,
  coalesce(sum(mode = 'exam' and status = 'completed'), 0) as exams,
  coalesce(sum(mode = 'exam' and passed = 1), 0) as exams_passed,
  round(avg(case when status = 'completed' then overall end), 1) as avg_overall,
  round(avg(case when status = 'completed' then compliance end), 1) as avg_compliance,
  round(avg(case when status = 'completed' then nvc end), 1) as avg_nvc,
  round(avg(case when status = 'completed' then deescalation end), 1) as avg_deescalation,
  coalesce(sum(violation_count), 0) as violations,
  coalesce(sum(critical_count), 0) as critical
from sessions
where trainee_id = :trainee
"""

TRAINEE_SCORES_OVER_TIME = """
select ended_at as ended, overall, compliance, nvc, deescalation, mode
from sessions
where trainee_id = :trainee and status = 'completed' and ended_at is not null
order by ended_at, id
"""

VIOLATIONS_BY_CATEGORY = """
select
  v.category as category,
  count(*) as violations,
  coalesce(sum(v.severity = 'critical'), 0) as critical,
  count(distinct v.trainee_id) as trainees,
  max(v.at) as last_seen
from violations v
where v.overturned_by is null
  and (:trainee = '' or v.trainee_id = :trainee)
  and (:scenario = '' or v.session_id in (select id from sessions where scenario_id = :scenario))
group by v.category
order by violations desc, category
"""

# Per finding (rule id, nvc.<part>, deescalation, session check): how often the graders found it
# (violations only: NVC parts and tone are not filed as rows), disputed, ruled and overturned, and
# `review` = 1 when its overturn rate passes its rule pack's threshold (null: no threshold synced).
FINDING_FIGURES = """
with found as (
  select coalesce(rule, category) as finding, count(*) as findings from violations group by 1
), disputed as (
  select finding, count(*) as disputes, coalesce(sum(status != 'open'), 0) as rulings,
         coalesce(sum(status = 'overturned'), 0) as overturned
  from disputes group by finding
), ids as (select finding from found union select finding from disputed)
select
  ids.finding as finding,
  found.findings as findings,
  coalesce(d.disputes, 0) as disputes,
  coalesce(d.rulings, 0) as rulings,
  coalesce(d.overturned, 0) as overturned,
  round(1.0 * d.overturned / nullif(d.rulings, 0), 3) as overturn_rate,
  r.max_overturn_rate as review_above,
  r.min_rulings as review_after,
  case when r.finding is null then null
       when coalesce(d.rulings, 0) >= r.min_rulings
            and 1.0 * d.overturned / d.rulings > r.max_overturn_rate then 1 else 0 end as review
from ids
left join found on found.finding = ids.finding
left join disputed d on d.finding = ids.finding
left join finding_review r on r.finding = ids.finding
order by review desc, overturn_rate is null, overturn_rate desc, findings desc, ids.finding
"""

# The trainer's queue: each dispute with the trainee's line, the evidence between 【 】 (by its
# character span, else where the evidence text occurs), open ones first. `:status` '' = all.
DISPUTE_QUEUE = """
select
  d.*,
  case
    when json_extract(d.span, '$[1]') > json_extract(d.span, '$[0]')
         and json_extract(d.span, '$[1]') <= length(d.trainee_text) then
      substr(d.trainee_text, 1, json_extract(d.span, '$[0]')) || '【'
      || substr(d.trainee_text, json_extract(d.span, '$[0]') + 1, json_extract(d.span, '$[1]') - json_extract(d.span, '$[0]'))
      || '】' || substr(d.trainee_text, json_extract(d.span, '$[1]') + 1)
    when coalesce(d.evidence, '') != '' and instr(d.trainee_text, d.evidence) > 0 then
      substr(d.trainee_text, 1, instr(d.trainee_text, d.evidence) - 1) || '【' || d.evidence || '】'
      || substr(d.trainee_text, instr(d.trainee_text, d.evidence) + length(d.evidence))
    else d.trainee_text
  end as trainee_marked
from disputes d
where (:status = '' or d.status = :status)
  and (:trainee = '' or d.trainee_id = :trainee)
order by d.status != 'open', d.id
"""

TRAINEE_DISPUTES = """
select id, session_id as session, turn_no as turn, finding, status, reason, created_at as filed,
  ruled_by, ruled_at, note
from disputes
where trainee_id = :trainee
order by id desc
"""

VIOLATIONS_OVER_TIME = """
select substr(at, 1, 10) as day, category, count(*) as violations
from violations
where at >= :since and overturned_by is null
group by day, category
order by day, category
"""

SCENARIO_DIFFICULTY = """
select
  sc.id as scenario,
  sc.persona as persona,
  sc.regime as regime,
  sc.difficulty as difficulty,
  count(s.id) as sessions,
  coalesce(sum(s.status = 'completed'), 0) as completed,
  coalesce(sum(s.status = 'abandoned'), 0) as abandoned,
  round(avg(case when s.status = 'completed' then s.overall end), 1) as avg_overall,
  round(100.0 * sum(s.passed = 1) / nullif(sum(s.status = 'completed'), 0), 1) as pass_rate,
  round(100.0 * sum(s.outcome in ('hung_up', 'complaint')) / nullif(sum(s.status = 'completed'), 0), 1)
    as hangup_or_complaint_rate,
  round(1.0 * sum(s.violation_count) / nullif(count(s.id), 0), 2) as violations_per_session
from scenarios sc
left join sessions s on s.scenario_id = sc.id
where (:scenario = '' or sc.id = :scenario)
group by sc.id
order by avg_overall is null, avg_overall, sc.id
"""

SCENARIO_OUTCOMES = """
select coalesce(outcome, 'ended_by_trainee') as outcome, count(*) as sessions,
       round(avg(overall), 1) as avg_overall
from sessions
where scenario_id = :scenario and status = 'completed'
group by 1
order by sessions desc, outcome
"""

SCENARIO_TRAINEES = """
select trainee_id as trainee, count(*) as sessions,
       coalesce(sum(status = 'completed'), 0) as completed,
       max(overall) as best_overall,
       coalesce(sum(passed = 1), 0) as passed,
       max(started_at) as last_attempt
from sessions
where scenario_id = :scenario
group by trainee_id
order by best_overall desc, trainee_id
"""

OVERDUE_ASSIGNMENTS = """
select a.id as assignment, a.trainee_id as trainee, u.name as name, a.scenario_id as scenario,
       a.mode as mode, a.due as due, a.trainer_id as trainer,
       cast(julianday(:today) - julianday(a.due) as integer) as days_overdue
from assignments a
left join users u on u.id = a.trainee_id
where a.status = 'assigned' and a.due < :today
order by a.due, a.id
"""

ASSIGNMENT_STATUS = """
select a.id as assignment, a.trainee_id as trainee, a.scenario_id as scenario, a.mode as mode, a.due as due,
       case when a.status = 'assigned' and a.due < :today then 'overdue' else a.status end as state,
       a.trainer_id as trainer, a.session_id as session, s.overall as overall, s.passed as passed
from assignments a
left join sessions s on s.id = a.session_id
where (:trainee = '' or a.trainee_id = :trainee)
order by a.due, a.id
"""

CERTIFICATION_FUNNEL = """
with trainee as (select id from users where role = 'trainee'),
held as (
  select trainee_id, max(level) as level from certifications where revoked_at is null group by trainee_id
)
select 1 as step, 'registered' as stage, '注册' as stage_zh, count(*) as trainees from trainee
union all
select 2, 'practised', '已练习', count(distinct s.trainee_id)
  from sessions s join trainee t on t.id = s.trainee_id where s.status = 'completed'
union all
select 3, 'sat an exam', '参加考试', count(distinct s.trainee_id)
  from sessions s join trainee t on t.id = s.trainee_id where s.mode = 'exam' and s.status = 'completed'
union all
select 4, 'passed an exam', '通过考试', count(distinct s.trainee_id)
  from sessions s join trainee t on t.id = s.trainee_id where s.mode = 'exam' and s.passed = 1
union all
select 5, 'level 1', '一级认证', count(*) from held h join trainee t on t.id = h.trainee_id where h.level >= 1
union all
select 6, 'level 2', '二级认证', count(*) from held h join trainee t on t.id = h.trainee_id where h.level >= 2
order by step
"""

TEAM_TOTALS = """
select
  (select count(*) from users where role = 'trainee') as trainees,
  (select count(*) from users where role = 'trainer') as trainers,
  (select count(*) from users where role = 'lead') as leads,
  count(*) as sessions,
  coalesce(sum(status = 'completed'), 0) as completed,
  coalesce(sum(status = 'abandoned'), 0) as abandoned,
  coalesce(sum(status = 'active'), 0) as active,
  round(avg(case when status = 'completed' then overall end), 1) as avg_overall,
  coalesce(sum(violation_count), 0) as violations,
  coalesce(sum(critical_count), 0) as critical,
  (select count(*) from assignments where status = 'assigned' and due < :today) as overdue_assignments
from sessions
"""

# -- issue 15: weak points, lift, proficiency, drills ------------------------------------------
# `trainee_id in (select :trainee union all select id from users where :trainee = '')` is "this
# trainee, or everyone when :trainee is empty" written so SQLite can use the sessions index for one
# trainee (an `or` would scan every session); `+status` keeps the planner off the status index,
# which matches nearly every row.
# docs/progress.md ("Weak points and drills", "Progress at a glance") explains every weight here.

# Each session's weight halves every :half_life days of age (measured from its start to :now).
# A session's evidence per weak point: its violations of a category, by severity (critical 3,
# major 2, minor 1); 1 for each NVC part that none of its turns had; twice the share of its turns
# whose tone escalated; 1 when a completed session secured no concrete commitment. A trainee's score
# per weak point is the recency-weighted mean of that evidence over all their sessions with a turn.
WEAK_POINTS = """
with s as materialized (
  select id, trainee_id, turn_count, turns_with_observation, turns_with_feeling, turns_with_need,
         turns_with_request, escalating_turns,
         status = 'completed' and json_extract(report, '$.commitment_secured') = 0 as no_commitment,
         pow(0.5, max(0.0, julianday(:now) - julianday(started_at)) / :half_life) as w
  from sessions
  where trainee_id in (select :trainee union all select id from users where :trainee = '')
    and +status in ('completed', 'abandoned') and turn_count > 0
),
per_trainee as (
  select trainee_id, sum(w) as w, count(*) as sessions,
         sum(w * (turns_with_observation = 0)) as observation, sum(turns_with_observation = 0) as n_observation,
         sum(w * (turns_with_feeling = 0)) as feeling, sum(turns_with_feeling = 0) as n_feeling,
         sum(w * (turns_with_need = 0)) as need, sum(turns_with_need = 0) as n_need,
         sum(w * (turns_with_request = 0)) as request, sum(turns_with_request = 0) as n_request,
         sum(w * 2.0 * escalating_turns / turn_count) as escalating, sum(escalating_turns > 0) as n_escalating,
         sum(w * no_commitment) as commitment, sum(no_commitment) as n_commitment
  from s group by trainee_id
),
by_category as (
  select s.trainee_id, v.category,
         sum(s.w * case v.severity when 'critical' then 3 when 'major' then 2 else 1 end) as amount,
         count(distinct v.session_id) as n
  from violations v join s on s.id = v.session_id
  group by s.trainee_id, v.category
),
evidence as (
  select trainee_id, category as weak_point, amount, n from by_category
  union all select trainee_id, 'nvc.observation', observation, n_observation from per_trainee
  union all select trainee_id, 'nvc.feeling', feeling, n_feeling from per_trainee
  union all select trainee_id, 'nvc.need', need, n_need from per_trainee
  union all select trainee_id, 'nvc.request', request, n_request from per_trainee
  union all select trainee_id, 'deescalation', escalating, n_escalating from per_trainee
  union all select trainee_id, 'commitment', commitment, n_commitment from per_trainee
)
select e.trainee_id as trainee, e.weak_point as weak_point, round(e.amount / p.w, 3) as score,
       e.n as sessions_with_it, p.sessions as sessions
from evidence e join per_trainee p on p.trainee_id = e.trainee_id
where e.amount > 0
order by trainee, score desc, weak_point
"""

# First, best and latest overall per trainee and scenario, and the lift (best − first). Every
# completed session counts here; only exams count toward certification, so the best exam is apart.
# (SQLite: in a query with a single min() or max(), the other columns come from that row.)
SCENARIO_LIFT = """
with done as materialized (
  select trainee_id, scenario_id, mode, overall, passed, ended_at || id as seq
  from sessions
  where trainee_id in (select :trainee union all select id from users where :trainee = '')
    and +status = 'completed' and overall is not null
),
firsts as (select trainee_id, scenario_id, min(seq), overall as first from done group by trainee_id, scenario_id),
lasts as (select trainee_id, scenario_id, max(seq), overall as latest from done group by trainee_id, scenario_id),
totals as (
  select trainee_id, scenario_id, count(*) as attempts, max(overall) as best,
         coalesce(sum(mode = 'exam'), 0) as exams, max(case when mode = 'exam' then overall end) as best_exam,
         coalesce(sum(mode = 'exam' and passed = 1), 0) as exams_passed
  from done group by trainee_id, scenario_id
)
select t.trainee_id as trainee, t.scenario_id as scenario, t.attempts, f.first, t.best, l.latest,
       round(t.best - f.first, 1) as lift, t.exams, t.best_exam, t.exams_passed
from totals t
join firsts f on f.trainee_id = t.trainee_id and f.scenario_id = t.scenario_id
join lasts l on l.trainee_id = t.trainee_id and l.scenario_id = t.scenario_id
order by t.trainee_id, t.scenario_id
"""
# Proficiency per dimension: the mean score of completed sessions, each weighted 0.5^(age/:half_life),
# shown (not null) only once a trainee has :min_sessions completed sessions.
PROFICIENCY = """
with s as (
  select trainee_id, overall, compliance, nvc, deescalation,
         pow(0.5, max(0.0, julianday(:now) - julianday(ended_at)) / :half_life) as w
  from sessions
  where trainee_id in (select :trainee union all select id from users where :trainee = '')
    and +status = 'completed' and overall is not null and ended_at is not null
)
select trainee_id as trainee, count(*) as sessions,
       case when count(*) >= :min_sessions then round(sum(w * overall) / sum(w), 1) end as overall,
       case when count(*) >= :min_sessions then round(sum(w * compliance) / sum(w), 1) end as compliance,
       case when count(*) >= :min_sessions then round(sum(w * nvc) / sum(w), 1) end as nvc,
       case when count(*) >= :min_sessions then round(sum(w * deescalation) / sum(w), 1) end as deescalation
from s
group by trainee_id
order by trainee_id
"""

DRILL_SETS = """
select d.id as drill_set, d.started_at as started, d.lang as lang, d.source as source, d.focus as focus,
       d.status as status, d.items as items, d.passed as passed, d.avg_overall as avg_overall
from drill_sets d
where (:trainee = '' or d.trainee_id = :trainee)
order by d.started_at desc, d.id desc
limit :limit
"""

DRILL_TOPICS = """
select a.topic as topic, count(*) as attempts, coalesce(sum(a.passed), 0) as passed,
       round(100.0 * sum(a.passed) / count(*), 1) as pass_rate, max(a.at) as last_drilled
from drill_attempts a join drill_sets d on d.id = a.drill_set_id
where (:trainee = '' or d.trainee_id = :trainee) and a.rewrite is not null
group by a.topic
order by pass_rate, topic
"""

# Time to certify per cohort: trainees grouped by the month of their first session; days from that
# session to their first level-1 grant (a later revocation does not undo when they first got there).
TIME_TO_CERTIFY = """
with started as (
  select s.trainee_id, min(s.started_at) as first_session
  from sessions s join users u on u.id = s.trainee_id
  where u.role = 'trainee'
  group by s.trainee_id
),
certified as (select trainee_id, min(granted_at) as first_grant from certifications group by trainee_id)
select substr(st.first_session, 1, 7) as cohort, count(*) as trainees, count(c.first_grant) as certified,
       round(avg(julianday(c.first_grant) - julianday(st.first_session)), 1) as avg_days,
       round(min(julianday(c.first_grant) - julianday(st.first_session)), 1) as fastest_days,
       round(max(julianday(c.first_grant) - julianday(st.first_session)), 1) as slowest_days
from started st left join certified c on c.trainee_id = st.trainee_id
group by cohort
order by cohort
"""

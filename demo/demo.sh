#!/usr/bin/env bash
# Walks the suite's four cross-service flows against a running local stack
# (./mvnw -B -pl local-stack -am spring-boot:run), says what happened at each step in plain words, and exits
# non-zero as soon as a step did not happen. Needs curl, jq and tar. Every run uses fresh names, so it can be
# repeated against the same stack. Override any URL through the environment (the e2e tests do).
set -euo pipefail

ISSUER=${ISSUER:-http://localhost:8080}
CI_DEPLOY=${CI_DEPLOY:-http://localhost:8081}
DISTRIBUTOR=${DISTRIBUTOR:-http://localhost:8082}
CALENDAR=${CALENDAR:-http://localhost:8083}
EXTRACT=${EXTRACT:-http://localhost:8084}
DATAFLOW=${DATAFLOW:-http://localhost:8085}
ANALYTICS=${ANALYTICS:-http://localhost:8086}
CALDAV=${CALDAV:-http://127.0.0.1:55232}
ORG=${ORG:-demo}
WAIT=${WAIT:-90}           # seconds any step may take
RUN=$(date +%s | tail -c 7)$RANDOM
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

step() { printf '\n== %s\n' "$*"; }
ok() { printf '   ok: %s\n' "$*"; }
fail() { printf '   FAILED: %s\n' "$*" >&2; exit 1; }
for tool in curl jq tar; do command -v "$tool" >/dev/null || fail "$tool is not installed"; done

# call METHOD URL [curl args...] -> body on stdout; fails the demo on any non-2xx answer
call() {
  local method=$1 url=$2; shift 2
  local out status
  out=$(curl -sS -X "$method" -H "Authorization: Bearer $TOKEN" -w '\n%{http_code}' "$@" "$url") \
    || fail "$method $url: no answer (is the local stack running?)"
  status=${out##*$'\n'}
  out=${out%$'\n'*}
  [[ $status == 2* ]] || fail "$method $url answered $status: $out"
  printf '%s' "$out"
}
json() { call "$1" "$2" -H 'Content-Type: application/json' --data "$3"; }

# until SECONDS COMMAND... : retries COMMAND (quietly) until it succeeds or the time is up
until_ok() {
  local limit=$1; shift
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

step "Token: a dev token for org '$ORG' from the local issuer"
TOKEN=$(curl -sS -H 'Content-Type: application/json' --data "{\"org\":\"$ORG\",\"roles\":[\"admin\"],\"ttlSeconds\":3600}" \
  "$ISSUER/dev/tokens" | jq -er .token) || fail "no token from $ISSUER (is the local stack running?)"
ok "got a token; this run's names end in $RUN"

# ---------------------------------------------------------------------------------------------------------------
step "Flow 1: dataflow → dashboard"
SALES=sales_$RUN TOTALS=totals_$RUN
call PUT "$DATAFLOW/api/datasets/$SALES" -H 'Content-Type: text/csv' --data-binary $'id,region,amount\n1,EU,1000\n2,EU,3000\n3,US,500\n' >/dev/null
ok "uploaded dataset $SALES (3 rows) to dataflow-scheduler"
FLOW=$(json POST "$DATAFLOW/api/dataflows" "{\"name\":\"totals_$RUN\",\"type\":\"etl\",\"nodes\":[
  {\"id\":\"s\",\"op\":\"source\",\"dataset\":\"$SALES\"},
  {\"id\":\"a\",\"op\":\"aggregate\",\"input\":\"s\",\"groupBy\":[\"region\"],\"metrics\":[{\"fn\":\"sum\",\"column\":\"amount\",\"as\":\"total\"}]},
  {\"id\":\"o\",\"op\":\"register\",\"input\":\"a\",\"dataset\":\"$TOTALS\"}]}" | jq -r .id)
ok "defined dataflow totals_$RUN ($SALES → sum by region → $TOTALS)"
run_dataflow() {
  local run
  run=$(json POST "$DATAFLOW/api/dataflows/$1/runs" '{}' | jq -r .id)
  run_done() { [[ $(call GET "$DATAFLOW/api/runs/$run" | jq -r .status) == SUCCEEDED ]]; }
  until_ok "$WAIT" run_done || fail "run $run did not succeed: $(call GET "$DATAFLOW/api/runs/$run")"
}
run_dataflow "$FLOW"
ok "the run succeeded; $TOTALS has $(call GET "$DATAFLOW/api/datasets/$TOTALS" | jq -r .rowCount) rows"
PAGE=$(json POST "$ANALYTICS/api/pages" "{\"slug\":\"sales-$RUN\",\"title\":\"Sales by region\",\"blocks\":[{\"type\":\"markdown\",\"text\":\"Totals per region\"}],\"allowedOrigins\":[]}" | jq -r .id)
json POST "$ANALYTICS/api/pages/$PAGE/embeds" "{\"title\":\"Totals\",\"dataset\":\"$TOTALS\",
  \"query\":{\"groupBy\":[\"region\"],\"metrics\":[{\"fn\":\"sum\",\"column\":\"total\",\"as\":\"total\"}],\"orderBy\":[{\"column\":\"region\",\"direction\":\"asc\"}],\"limit\":10},
  \"visualization\":\"table\",\"position\":{\"row\":0,\"col\":0,\"width\":6,\"height\":4},\"allowedFilterColumns\":[]}" >/dev/null
URL=$(json POST "$ANALYTICS/api/pages/$PAGE/tokens" '{"ttlSeconds":900}' | jq -r .url)
ok "page sales-$RUN with a table of $TOTALS; signed URL: $URL"
shows() { curl -sS "$URL" | grep -q "$1"; }
until_ok 15 shows '<td>EU</td><td class="num">4000</td>' || fail "the page does not show EU 4000"
ok "the page shows EU = 4000"
call PUT "$DATAFLOW/api/datasets/$SALES" -H 'Content-Type: text/csv' --data-binary $'id,region,amount\n1,EU,1000\n2,EU,3000\n3,US,500\n4,EU,2500\n' >/dev/null
run_dataflow "$FLOW"
START=$SECONDS
until_ok 15 shows '<td>EU</td><td class="num">6500</td>' || fail "the page still does not show EU 6500 15 s after the run"
ok "after new data and a new run the page shows EU = 6500 ($((SECONDS - START)) s after the run; no restart)"

# ---------------------------------------------------------------------------------------------------------------
step "Flow 2: extraction → distribution"
INBOX=demo-$RUN
STREAM=$(json POST "$DISTRIBUTOR/api/streams" "{\"name\":\"extract-$RUN\",\"source\":{\"topic\":\"extract.records\"},
  \"destination\":{\"type\":\"webhook\",\"url\":\"$ISSUER/dev/webhooks/$INBOX\",\"secret\":\"demo-secret-$RUN-0123456789\"}}" | jq -r .id)
active() { [[ $(call GET "$DISTRIBUTOR/api/streams/$STREAM" | jq -r .status) == ACTIVE ]]; }
until_ok "$WAIT" active || fail "stream $STREAM never became ACTIVE"
ok "stream extract-$RUN delivers org $ORG's extract.records to the dev inbox $INBOX (owner $(call GET "$DISTRIBUTOR/api/streams/$STREAM" | jq -r .owner))"
UPSERTS=$(jq -nc --arg r "$RUN" '[range(0;40) | {id: "c\($r)-\(.)", userId: (if . % 4 == 3 then "other-\($r)" else "u\(. % 2)-\($r)" end), data: {n: ., rev: 0}}]')
json POST "$EXTRACT/api/sources/contacts/records" "{\"upserts\":$UPSERTS}" >/dev/null
ok "wrote 40 contacts: 30 of users u0-$RUN and u1-$RUN (the group), 10 of another user"
JOB=$(json POST "$EXTRACT/api/extractions" "{\"entities\":[\"contacts\"],\"userIds\":[\"u0-$RUN\",\"u1-$RUN\"],\"chunkSize\":10}" | jq -r .id)
ok "started extraction $JOB for the group (chunks of 10)"
CHANGES=$(jq -nc --arg r "$RUN" '[range(0;40;4) | {id: "c\($r)-\(.)", userId: "u\(. % 2)-\($r)", data: {n: ., rev: 1}}]')
json POST "$EXTRACT/api/sources/contacts/records" "{\"upserts\":$CHANGES}" >/dev/null
json POST "$EXTRACT/api/sources/contacts/records" "{\"deletes\":[\"c$RUN-1\"]}" >/dev/null
ok "while it runs: updated 10 group contacts (rev 1) and deleted c$RUN-1"
streaming() { [[ $(call GET "$EXTRACT/api/extractions/$JOB" | jq -r .status) == STREAMING ]]; }
until_ok "$WAIT" streaming || fail "extraction $JOB did not reach STREAMING: $(call GET "$EXTRACT/api/extractions/$JOB")"
ok "snapshot complete; the job now streams changes"
# the receiver's view: the latest version of each record, deletes removed
view() {
  curl -sS "$ISSUER/dev/webhooks/$INBOX" | jq -c '[.[].body | fromjson | .records[] | .data] | group_by(.id)
    | map(max_by(.version)) | map(select(.op != "delete")) | map({id, rev: .data.rev, userId}) | sort_by(.id)'
}
expected() {
  jq -nc --arg r "$RUN" '[range(0;40) | select(. % 4 != 3 and . != 1)
    | {id: "c\($r)-\(.)", rev: (if . % 4 == 0 then 1 else 0 end), userId: "u\(. % 2)-\($r)"}] | sort_by(.id)'
}
complete() { [[ $(view) == "$(expected)" ]]; }
until_ok "$WAIT" complete || fail "the inbox does not hold exactly the group's records: got $(view)"
DUPS=$(curl -sS "$ISSUER/dev/webhooks/$INBOX" | jq '[.[].body | fromjson | .records[].id] | length - (unique | length)')
ok "the inbox holds exactly the group's 29 live records at their latest revision, nothing of the other user ($DUPS redelivered)"

# ---------------------------------------------------------------------------------------------------------------
step "Flow 3: data-lake app → dataflow"
APP=scores$RUN
mkdir -p "$WORK/app"
sed "s/\${name}/$APP/" "$(dirname "$0")/lake-app/app.yaml" > "$WORK/app/app.yaml"
cp "$(dirname "$0")/lake-app/App.java" "$WORK/app/App.java"
tar -czf "$WORK/app.tar.gz" -C "$WORK/app" app.yaml App.java
json POST "$CI_DEPLOY/api/apps" "{\"name\":\"$APP\",\"description\":\"demo scores\"}" >/dev/null
deploy() {
  local v
  v=$(call POST "$CI_DEPLOY/api/apps/$APP/versions" -F "bundle=@$WORK/app.tar.gz" | jq -r .version)
  live() { [[ $(call GET "$CI_DEPLOY/api/apps/$APP/versions/$v" | jq -r .status) == LIVE ]]; }
  until_ok 180 live || fail "version $v of $APP is not LIVE: $(call GET "$CI_DEPLOY/api/apps/$APP/versions/$v")"
  echo "$v"
}
V=$(deploy)
ok "app $APP version $V assembled, run in its own process and role, tested, promoted: LIVE"
FLOW3=$(json POST "$DATAFLOW/api/dataflows" "{\"name\":\"scores_$RUN\",\"type\":\"etl\",\"nodes\":[
  {\"id\":\"s\",\"op\":\"source\",\"dataset\":\"${APP}__scores\"},
  {\"id\":\"i\",\"op\":\"source\",\"dataset\":\"${APP}__info\"},
  {\"id\":\"j\",\"op\":\"augment\",\"left\":\"s\",\"right\":\"i\",\"leftKey\":[\"version\"],\"rightKey\":[\"info_version\"],\"columns\":[\"info_version\"]},
  {\"id\":\"f\",\"op\":\"filter\",\"input\":\"j\",\"expr\":\"info_version is not null\"},
  {\"id\":\"a\",\"op\":\"aggregate\",\"input\":\"f\",\"groupBy\":[\"version\"],\"metrics\":[{\"fn\":\"sum\",\"column\":\"points\",\"as\":\"total\"}]},
  {\"id\":\"o\",\"op\":\"register\",\"input\":\"a\",\"dataset\":\"scores_$RUN\"}]}" | jq -r .id)
run_dataflow "$FLOW3"
totals() { call GET "$DATAFLOW/api/datasets/scores_$RUN/rows?limit=10" | jq -c 'map({version, total: (.total | tonumber)})'; }
[[ $(totals) == '[{"version":1,"total":60}]' ]] || fail "dataflow output is $(totals), expected version 1 total 60"
ok "dataflow scores_$RUN reads the app's two lake datasets: version 1, total 60"
V=$(deploy)
ok "version $V promoted; ci-deploy-service published VersionPromoted"
v2() { [[ $(totals) == '[{"version":2,"total":120}]' ]]; }
until_ok "$WAIT" v2 || fail "the dataflow output did not follow version 2: $(totals)"
ok "dataflow-scheduler re-ran scores_$RUN on its own: version 2, total 120 (never a mix: the join on version would be empty)"

# ---------------------------------------------------------------------------------------------------------------
step "Flow 4: calendar → master"
CAL="$CALDAV/$ORG/master-$RUN/"
curl -sS -f -X MKCALENDAR -u "$ORG:pw" "$CAL" >/dev/null || fail "cannot create $CAL (is radicale installed? apt-get install -y radicale)"
json POST "$CALENDAR/api/systems" "{\"type\":\"caldav\",\"name\":\"Master $RUN\",\"master\":true,\"baseUrl\":\"$CAL\",\"username\":\"$ORG\",\"password\":\"pw\",\"timeZone\":\"Europe/Berlin\"}" >/dev/null
GOOGLE=$(json POST "$CALENDAR/api/systems" '{"type":"google","name":"Google","master":false}' | jq -r .id)
GRAPH=$(json POST "$CALENDAR/api/systems" '{"type":"graph","name":"Outlook","master":false}' | jq -r .id)
ok "master: CalDAV calendar $CAL; other systems: Google and Microsoft Graph"
UID_=review-$RUN@example.com
E1=$(json POST "$CALENDAR/api/systems/$GOOGLE/events" "{\"id\":\"g-$RUN\",\"iCalUID\":\"$UID_\",\"summary\":\"Launch review\",\"status\":\"confirmed\",
  \"updated\":\"2026-03-01T09:00:00Z\",\"organizer\":{\"email\":\"ann@example.com\"},
  \"start\":{\"dateTime\":\"2026-04-14T10:00:00+02:00\",\"timeZone\":\"Europe/Berlin\"},\"end\":{\"dateTime\":\"2026-04-14T11:00:00+02:00\",\"timeZone\":\"Europe/Berlin\"},
  \"attendees\":[{\"email\":\"bob@example.com\",\"responseStatus\":\"accepted\"}]}" | jq -r '.results[0].eventId')
E2=$(json POST "$CALENDAR/api/systems/$GRAPH/events" "{\"value\":[{\"id\":\"AAMk-$RUN\",\"iCalUId\":\"$UID_\",\"subject\":\"Launch review\",\"type\":\"singleInstance\",
  \"lastModifiedDateTime\":\"2026-03-01T10:00:00Z\",\"organizer\":{\"emailAddress\":{\"address\":\"ann@example.com\"}},
  \"start\":{\"dateTime\":\"2026-04-14T10:00:00.0000000\",\"timeZone\":\"W. Europe Standard Time\"},\"end\":{\"dateTime\":\"2026-04-14T11:00:00.0000000\",\"timeZone\":\"W. Europe Standard Time\"},
  \"attendees\":[{\"emailAddress\":{\"address\":\"carol@example.com\"},\"status\":{\"response\":\"accepted\"}}]}]}" | jq -r '.results[0].eventId')
[[ $E1 == "$E2" ]] || fail "Google's copy became $E1 and Graph's $E2: not one event"
ok "the Google and the Graph copy are one unified event $E1"
resources() { curl -sS -X PROPFIND -u "$ORG:pw" -H 'Depth: 1' "$CAL" | grep -o '[^<>]*\.ics<' | sort -u | wc -l; }
one_resource() { [[ $(resources) -eq 1 ]] && [[ $(call GET "$CALENDAR/api/events/$E1" | jq -r .master.status) == written ]]; }
until_ok "$WAIT" one_resource || fail "the master holds $(resources) resources for the meeting (expected 1)"
HREF=$(curl -sS -X PROPFIND -u "$ORG:pw" -H 'Depth: 1' "$CAL" | grep -o '[^<>]*\.ics<' | head -1 | tr -d '<')
ICS=$(curl -sS -u "$ORG:pw" "$CALDAV$HREF")
grep -q "UID:$UID_" <<<"$ICS" && grep -q "mailto:bob@example.com" <<<"$ICS" && grep -q "mailto:carol@example.com" <<<"$ICS" \
  || fail "the master copy lacks the merged attendees: $ICS"
ok "the master calendar holds it once, with both systems' attendees (bob from Google, carol from Graph)"
COPIES=$(call GET "$CALENDAR/api/events/$E1" | jq '.copies | length')
ok "calendar-sync keeps $COPIES source copies beside the unified event and published it on calendar.events"

printf '\nAll four flows happened as described.\n'

"""The words the language checks know, in lower case, every inflected form written out.

A curated lexicon rather than a lemmatiser: the checks need a few hundred words, and
the lemmatisers on PyPI (simplemma, lemminflect) or a frequency list (wordfreq) cost
100-500 ms to load on every `pmkb check`, for forms that fit on one screen here.
"""

from __future__ import annotations


def _forms(*groups: str) -> frozenset[str]:
    return frozenset(word for group in groups for word in group.split())


# --- who: people and roles ---------------------------------------------------------------

PERSON_PRONOUNS = _forms("he she him her i me")
"""Pronouns that only ever stand for a person (not `they`, which also stands for systems)."""
PERSON_POSSESSIVES = _forms("his her my")
COLLECTIVE = _forms("we us our ours ourselves team teams everyone everybody company")
"""The organisation speaking of itself: ownership, not blame of a person."""
INDEFINITE_PEOPLE = _forms("someone somebody anyone anybody")
ROLES = _forms(
    "engineer engineers developer developers dev devs sre sres operator operators admin admins",
    "administrator administrators sysadmin sysadmins dba dbas reviewer reviewers approver",
    "approvers on-call oncall on-caller on-callers responder responders intern interns",
    "contractor contractors employee employees staffer manager managers lead maintainer",
    "maintainers teammate teammates colleague colleagues coworker coworkers co-worker",
    "person individual hire hires deployer committer author analyst",
    "tester testers qa architect architects ic commander owner",
)
"""Nouns that name a person by their role (`the on-call`, `a junior engineer`, `the DBA`)."""
AMBIGUOUS_ROLES = _forms("operator operators admin admins owner owners")
"""Roles that are also software: `the Kubernetes operator`, `the CI admin bot`."""
SYSTEM_MODIFIERS = _forms(
    "kubernetes k8s postgres postgresql mysql database db redis kafka cluster helm terraform",
    "crd controller cron scheduler script bot automated automation ci cd pipeline service",
)
"""Words that make a role noun a piece of software: `the Kubernetes operator`, `the CI bot`."""

# --- what: failures, operations, causes ---------------------------------------------------

FAILURE_VERBS = _forms(
    "forgot forget forgets forgetting forgotten ignored ignore ignores ignoring",
    "missed miss misses overlooked overlook overlooks overlooking neglected neglect neglects",
    "neglecting skipped skip skips skipping disregarded disregard disregards misread misreads",
    "misconfigured misconfigures mistyped mistypes fat-fingered botched bungled",
    "silenced silences muted mutes snoozed dismissed rushed",
)
"""Verbs whose subject did something wrong. With a system subject they are not blame."""
HUMAN_ONLY_VERBS = _forms(
    "forgot forget forgets forgetting forgotten neglected neglect neglects neglecting",
    "misread misreads mistyped mistypes fat-fingered botched bungled rushed",
)
"""Failure verbs only people do: evidence that an unknown capitalised subject is a person."""
FAIL_AUX = _forms("failed fails fail failing")
"""`failed to` + verb."""
NEGATED_PERFORMANCE = _forms(
    "follow check test read notice verify run bother wait escalate respond acknowledge ack",
    "review look confirm validate communicate coordinate update document tell inform ask",
    "double-check monitor watch see pay consult use",
)
"""`did not` + these: a step someone was expected to perform (`didn't follow the runbook`)."""
NEGATIONS = _forms("not never n't didn't did't don't doesn't wasn't weren't hadn't")
OPERATION_VERBS = _forms(
    "deployed deploys pushed pushes force-pushed ran runs executed executes dropped drops",
    "deleted deletes removed removes restarted restarts rebooted reboots merged merges",
    "approved approves changed changes edited edits modified modifies applied applies typed",
    "entered configured configures set disabled disables enabled enables shipped ships",
    "committed commits killed kills terminated terminates truncated truncates updated updates",
    "upgraded upgrades migrated migrates renamed renames reverted reverts overrode overrides",
    "bypassed bypasses introduced introduces added adds wrote writes rolled released",
    "promoted promotes failed-over flushed flushes purged purges wiped wipes reset resets",
    "rotated rotates revoked revokes scaled scales resized resizes turned",
)
"""Verbs of changing a system: a person as their subject in a contributing factor is a cause."""
CAUSAL = _forms(
    "caused causing causes cause triggered triggering triggers broke breaking breaks",
    "resulting resulted led leading",
)
"""Words that make a sentence outside Contributing Factors a statement of cause."""
SAFEGUARDS = _forms(
    "backup backups review reviews approval approvals testing tests test ticket tickets",
    "checking check checks confirmation dry-run validation canary canaries peer sign-off",
    "permission authorisation authorization telling notice",
)
"""`ran the migration without a backup`: the missing safeguard makes an operation a cause."""
FAILURE_NOUNS = _forms(
    "mistake mistakes error errors fault faults negligence oversight oversights carelessness",
    "blunder blunders slip slips lapse lapses misstep missteps screw-up screwup fumble",
    "fat-finger typo typos",
)
"""Nouns of a failure; blame when a person owns them (`Alice's mistake`, `an error by the DBA`)."""
ARTEFACTS = _forms(
    "change changes commit commits pr prs hotfix hotfixes patch patches deploy deployment",
    "script scripts query queries config configuration migration code fix edit edits command",
    "commands push release upgrade rollout",
)
"""What a person makes: `Omar's hotfix` as a cause in a contributing factor."""

COUNTERFACTUAL_MODALS = _forms("should could ought")
"""Modals of judgement; `would have` states a consequence (`the on-call would have rolled back`)."""
CONTRACTED_COUNTERFACTUALS = _forms("should've could've shouldn't've couldn't've")
PERFORMANCE_PARTICIPLES = _forms(
    "caught noticed known realised realized checked verified tested read seen spotted asked",
    "escalated followed paid looked reviewed double-checked waited been communicated",
    "acted responded prevented avoided stopped thought considered confirmed validated",
)
"""What a person is said in hindsight to have failed to do (`we should have caught it`)."""
IRREGULAR_PARTICIPLES = _forms(
    "been known seen caught read run done made taken given gone thought told sent kept",
    "left set put built broken written shown found understood paid brought",
)

# --- structure words for finding a subject -----------------------------------------------

ADVERBS = _forms(
    "just simply also then accidentally mistakenly inadvertently apparently unfortunately",
    "clearly again still already later subsequently immediately quickly repeatedly",
    "initially originally previously manually mistakenly unknowingly unintentionally",
    "completely entirely partly partially only even probably likely",
)
AUXILIARIES = _forms(
    "did does do didn't doesn't don't had has have hadn't hasn't haven't was were is are",
    "wasn't weren't isn't aren't be been being will would can could should may might must",
    "not never n't",
)
CLAUSE_BREAKS = _forms(
    "because since so but while when whenever after before although though if unless until",
    "which where whereas and or nor then therefore however thus hence",
)
RELATIVE = _forms("who that whom")
DETERMINERS = _forms("the a an this that these those our their its your some any every each")
NON_HEADS = _forms(
    "it this that there these those they them what which nothing something everything",
    "nobody none one",
)
"""Words that can precede a verb but are no person (`It failed to`, `Nothing ignored`)."""
PREPOSITIONS = _forms(
    "in on at by of for from to with without into onto during over under about after before",
    "through across per via within",
)

TECH_TERMS = _forms(
    "aws gcp azure kubernetes k8s docker terraform ansible chef puppet salt vault consul nomad",
    "helm argo flux jenkins travis circleci github gitlab bitbucket jira confluence slack zoom",
    "pagerduty opsgenie grafana prometheus datadog sentry splunk kibana elastic elasticsearch",
    "logstash loki tempo thanos cortex envoy istio linkerd nginx haproxy apache tomcat redis",
    "memcached kafka rabbitmq celery sidekiq postgres postgresql mysql mariadb mongo mongodb",
    "cassandra dynamodb s3 ec2 rds lambda cloudfront cloudflare fastly akamai heroku netlify",
    "vercel stripe twilio sendgrid okta auth0 ruby rails python django flask node java go rust",
    "hugo linux windows macos ubuntu debian npm pip yarn maven gradle cron systemd bash",
    "pgbouncer hikaricp varnish etcd zookeeper spark hadoop airflow dagster snowflake bigquery",
    "looker tableau figma notion google microsoft apple amazon oracle ibm",
)
"""Proper nouns that are software or companies, never people (even `Ruby`, `Hugo`, `Travis`)."""


use builtin;
use str;

set edit:completion:arg-completer[hoopctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'hoopctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'hoopctl'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand login 'Log in to a gateway (OAuth device flow; or a minted token with --token-stdin)'
            cand logout 'Revoke this profile''s login at the gateway and forget it locally'
            cand whoami 'Show who this profile is logged in as'
            cand connections 'List the connections you may request'
            cand grant 'Request, list and decide just-in-time grants'
            cand review 'See and decide reviews: held statements and pending grants waiting for a human'
            cand connect 'Open a local tunnel to a connection; with `-- CMD`, run CMD against it and exit with its status'
            cand wait 'Wait until a `connect --health-addr` tunnel is ready (for a later CI step)'
            cand audit 'Read the gateway''s audit log (admins)'
            cand sessions 'Proxied sessions and their recordings (admins)'
            cand admin 'Administer identities at the gateway (admins)'
            cand completions 'Print a shell completion script'
            cand dev 'Run a whole gateway, a dev user and a demo connection on this machine, in one process'
            cand gateway 'Run and administer a gateway'
            cand policy 'Try policy decisions offline, against a gateway config and its policy files'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;login'= {
            cand --gateway 'Gateway URL, e.g. https://gateway.example.com:8443 (remembered in the profile)'
            cand --ca-file 'PEM file of the gateway''s CA, when it is not publicly trusted (copied into the profile)'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --token-stdin 'Read an access token minted by `hoopctl gateway token` from stdin'
            cand --save 'With --ci: also save the profile and the (short-lived) token for later commands'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;logout'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;whoami'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;connections'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;grant'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand request 'Ask for access to a connection'
            cand list 'List your grants (or everyone''s with --all, for approvers)'
            cand approve 'Approve a pending grant (approver groups)'
            cand deny 'Deny a pending grant (approver groups)'
            cand revoke 'End a grant now; its live sessions are closed'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;grant;request'= {
            cand --reason 'Why you need access (recorded with every statement)'
            cand --duration 'How long, e.g. 30m or 2h (default: the gateway''s)'
            cand --timeout 'How long to wait (with --wait)'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --wait 'Wait for an approver if the grant needs one'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;grant;list'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --pending 'Only pending grants'
            cand --all 'Everyone''s grants (approvers and admins)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;grant;approve'= {
            cand --reason 'Note recorded with the decision'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;grant;deny'= {
            cand --reason 'Why (shown to the requester)'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;grant;revoke'= {
            cand --reason 'Why'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;grant;help'= {
            cand request 'Ask for access to a connection'
            cand list 'List your grants (or everyone''s with --all, for approvers)'
            cand approve 'Approve a pending grant (approver groups)'
            cand deny 'Deny a pending grant (approver groups)'
            cand revoke 'End a grant now; its live sessions are closed'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;grant;help;request'= {
        }
        &'hoopctl;grant;help;list'= {
        }
        &'hoopctl;grant;help;approve'= {
        }
        &'hoopctl;grant;help;deny'= {
        }
        &'hoopctl;grant;help;revoke'= {
        }
        &'hoopctl;grant;help;help'= {
        }
        &'hoopctl;review'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List reviews you asked for or may decide (pending ones by default)'
            cand show 'Show one review, with the statement it holds'
            cand approve 'Approve: a held statement runs once; a pending grant becomes active'
            cand deny 'Deny: the held statement fails with SQLSTATE 42501; a pending grant is denied'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;review;list'= {
            cand --status 'pending (default), approved, denied, expired, cancelled or all'
            cand --connection 'Only this connection'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;review;show'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;review;approve'= {
            cand --reason 'Note recorded with the decision'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;review;deny'= {
            cand --reason 'Why (shown to the requester)'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;review;help'= {
            cand list 'List reviews you asked for or may decide (pending ones by default)'
            cand show 'Show one review, with the statement it holds'
            cand approve 'Approve: a held statement runs once; a pending grant becomes active'
            cand deny 'Deny: the held statement fails with SQLSTATE 42501; a pending grant is denied'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;review;help;list'= {
        }
        &'hoopctl;review;help;show'= {
        }
        &'hoopctl;review;help;approve'= {
        }
        &'hoopctl;review;help;deny'= {
        }
        &'hoopctl;review;help;help'= {
        }
        &'hoopctl;connect'= {
            cand --port 'Local port on 127.0.0.1 (default: an ephemeral one)'
            cand --reason 'Why you need access; needed when no active grant exists'
            cand --duration 'Duration of a new grant, e.g. 30m'
            cand --timeout 'How long to wait (with --wait)'
            cand --health-addr 'Serve /startup, /readiness and /liveness on this address (e.g. 127.0.0.1:9090)'
            cand --max-sigterm-delay 'On SIGTERM, let open connections finish for up to this long (CMD always gets 10s)'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --wait 'Wait for an approver if the grant needs one'
            cand --exit-zero-on-sigterm 'Exit 0 after a SIGTERM instead of 143'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;wait'= {
            cand --health-addr 'The address given to `connect --health-addr`'
            cand --timeout 'Give up after this long'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;audit'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List audit events, oldest first'
            cand export 'Export the tamper-evident log with the signed checkpoints that cover it (admins)'
            cand who-accessed 'Which sessions received a record of a PHI table: identities, CI runs, the statement and the time (admins). The table must declare its key column in the gateway config'
            cand public-key 'Print the gateway''s checkpoint signing key (base64 Ed25519) for `audit verify`'
            cand verify 'Check an export offline: every event chained, every checkpoint signed by KEY, the end covered, and the signed manifest naming exactly the events in the file (so a cut or emptied file fails). Names the first bad event; exit 1 when the export does not verify'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;audit;list'= {
            cand --since 'Only events since this time (RFC 3339) or this long ago (2h, 1d)'
            cand --connection 'Only this connection'
            cand --identity 'Only this identity'
            cand --session 'Only this session'
            cand --repository 'Only what CI runs of this repository did (workload provenance)'
            cand --run 'Only what this CI run did (its run, pipeline or build id)'
            cand --limit 'At most this many (newest)'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;audit;export'= {
            cand --since 'Only events since this time (RFC 3339) or this long ago (30d); the chain before it is vouched for by the first event''s predecessor hash'
            cand --format 'jsonl (one JSON object per line) or csv'
            cand --out 'Write here instead of stdout'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;audit;who-accessed'= {
            cand --connection 'Connection the record lives behind'
            cand --table 'The table: schema.table, or its name alone when that is unambiguous'
            cand --key 'The record''s key (the value of the table''s declared key column)'
            cand --since 'Only sessions whose statement ran since this time (RFC 3339) or this long ago (90d)'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;audit;public-key'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;audit;verify'= {
            cand --public-key 'The public key, base64, or a file holding it. Get it from a trusted place (`hoopctl gateway audit-key` on the gateway host), not from the export'
            cand --previous 'An earlier export kept elsewhere: FILE must continue it (events in both identical, not ending before it). Catches a log rewritten while the gateway was stopped'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;audit;help'= {
            cand list 'List audit events, oldest first'
            cand export 'Export the tamper-evident log with the signed checkpoints that cover it (admins)'
            cand who-accessed 'Which sessions received a record of a PHI table: identities, CI runs, the statement and the time (admins). The table must declare its key column in the gateway config'
            cand public-key 'Print the gateway''s checkpoint signing key (base64 Ed25519) for `audit verify`'
            cand verify 'Check an export offline: every event chained, every checkpoint signed by KEY, the end covered, and the signed manifest naming exactly the events in the file (so a cut or emptied file fails). Names the first bad event; exit 1 when the export does not verify'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;audit;help;list'= {
        }
        &'hoopctl;audit;help;export'= {
        }
        &'hoopctl;audit;help;who-accessed'= {
        }
        &'hoopctl;audit;help;public-key'= {
        }
        &'hoopctl;audit;help;verify'= {
        }
        &'hoopctl;audit;help;help'= {
        }
        &'hoopctl;sessions'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List proxied sessions, newest first'
            cand show 'One session: who, what grant and CI run, its recording, and every audit event'
            cand replay 'Replay a session''s recording as psql would have shown it (statements, masked rows, errors). The recording is checked against the digest in the audit log first'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;sessions;list'= {
            cand --since 'Only sessions started since this time (RFC 3339) or this long ago (2h, 1d)'
            cand --connection 'Only this connection'
            cand --identity 'Only this identity'
            cand --repository 'Only sessions of CI runs of this repository (workload provenance)'
            cand --run 'Only sessions of this CI run (its run, pipeline or build id)'
            cand --limit 'At most this many (default 50)'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;sessions;show'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;sessions;replay'= {
            cand --file 'Replay a recording saved with --save instead of fetching one (no digest check)'
            cand --speed 'Wait between statements as the session did, sped up this many times (1 = real time). Without it, no waiting'
            cand --save 'Also save the fetched recording here (zstd, as the gateway stores it)'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --statements-only 'Only the statements, each with its time in the session'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;sessions;help'= {
            cand list 'List proxied sessions, newest first'
            cand show 'One session: who, what grant and CI run, its recording, and every audit event'
            cand replay 'Replay a session''s recording as psql would have shown it (statements, masked rows, errors). The recording is checked against the digest in the audit log first'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;sessions;help;list'= {
        }
        &'hoopctl;sessions;help;show'= {
        }
        &'hoopctl;sessions;help;replay'= {
        }
        &'hoopctl;sessions;help;help'= {
        }
        &'hoopctl;admin'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand sessions 'An identity''s logins and live sessions'
            cand identities 'People known through identity providers'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;admin;sessions'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand revoke 'End everything an identity holds: every login (its tokens), every pending or active grant, and its live tunnels'' sessions, whose clients are told why. A person who signed in through an identity provider must sign in there again'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;admin;sessions;revoke'= {
            cand --identity 'The identity (a user, a service account, or a person from an identity provider)'
            cand --reason 'Why; shown to the identity''s clients and recorded in the audit log'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;admin;sessions;help'= {
            cand revoke 'End everything an identity holds: every login (its tokens), every pending or active grant, and its live tunnels'' sessions, whose clients are told why. A person who signed in through an identity provider must sign in there again'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;admin;sessions;help;revoke'= {
        }
        &'hoopctl;admin;sessions;help;help'= {
        }
        &'hoopctl;admin;identities'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the people who signed in through an identity provider: name, provider, groups, and until when the provider vouches for them'
            cand forget 'Revoke everything a provider-known person holds and free their name''s binding to the provider account, so the name binds again at the next sign-in (after a rename at the provider, or when the name now belongs to someone else)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;admin;identities;list'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;admin;identities;forget'= {
            cand --identity 'The identity'
            cand --reason 'Why; recorded in the audit log'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;admin;identities;help'= {
            cand list 'List the people who signed in through an identity provider: name, provider, groups, and until when the provider vouches for them'
            cand forget 'Revoke everything a provider-known person holds and free their name''s binding to the provider account, so the name binds again at the next sign-in (after a rename at the provider, or when the name now belongs to someone else)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;admin;identities;help;list'= {
        }
        &'hoopctl;admin;identities;help;forget'= {
        }
        &'hoopctl;admin;identities;help;help'= {
        }
        &'hoopctl;admin;help'= {
            cand sessions 'An identity''s logins and live sessions'
            cand identities 'People known through identity providers'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;admin;help;sessions'= {
            cand revoke 'End everything an identity holds: every login (its tokens), every pending or active grant, and its live tunnels'' sessions, whose clients are told why. A person who signed in through an identity provider must sign in there again'
        }
        &'hoopctl;admin;help;sessions;revoke'= {
        }
        &'hoopctl;admin;help;identities'= {
            cand list 'List the people who signed in through an identity provider: name, provider, groups, and until when the provider vouches for them'
            cand forget 'Revoke everything a provider-known person holds and free their name''s binding to the provider account, so the name binds again at the next sign-in (after a rename at the provider, or when the name now belongs to someone else)'
        }
        &'hoopctl;admin;help;identities;list'= {
        }
        &'hoopctl;admin;help;identities;forget'= {
        }
        &'hoopctl;admin;help;help'= {
        }
        &'hoopctl;completions'= {
            cand --write-dir 'Write every shell''s script and the man page into DIR (used to refresh completions/)'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;dev'= {
            cand --postgres 'PostgreSQL server for the demo connection (a role that can create databases and roles)'
            cand --listen 'Gateway listen address'
            cand --data-dir 'Keep the gateway''s data here instead of a throwaway directory'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;gateway'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'Serve the API and the tunnel on the configured address'
            cand init 'Write a starter config, the default policy and a data directory into DIR'
            cand check 'Validate a config and its policies; exits non-zero with every problem listed'
            cand hash-password 'Read a password on stdin and print its argon2 hash for [[auth.users]]'
            cand mask-test 'Show what a masking profile does to a value (or to each line of stdin)'
            cand token 'Mint an access token for automation or break-glass (printed once; run on the gateway host)'
            cand audit-key 'Print the audit checkpoint signing key (base64 Ed25519), read from the data directory: the trusted copy `hoopctl audit verify --public-key` needs. Run on the gateway host'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;gateway;serve'= {
            cand --config 'Gateway config file'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;gateway;init'= {
            cand --listen 'Listen address written into the config'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;gateway;check'= {
            cand --config 'Gateway config file'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --online 'Also contact every identity provider and workload issuer now: discovery, endpoints, PKCE support and signing keys'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;gateway;hash-password'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;gateway;mask-test'= {
            cand --config 'Gateway config file'
            cand --connection 'Use this connection''s profile'
            cand --mask-profile 'Use this [masking.profiles.NAME] (default: the only one)'
            cand --column 'Treat the value as a text cell of this column (schema.table.column): the column rule that matches it, if any, applies instead of the detectors'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;gateway;token'= {
            cand --config 'Gateway config file'
            cand --user 'User the token is for'
            cand --ttl 'Lifetime'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;gateway;audit-key'= {
            cand --config 'Gateway config file'
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;gateway;help'= {
            cand serve 'Serve the API and the tunnel on the configured address'
            cand init 'Write a starter config, the default policy and a data directory into DIR'
            cand check 'Validate a config and its policies; exits non-zero with every problem listed'
            cand hash-password 'Read a password on stdin and print its argon2 hash for [[auth.users]]'
            cand mask-test 'Show what a masking profile does to a value (or to each line of stdin)'
            cand token 'Mint an access token for automation or break-glass (printed once; run on the gateway host)'
            cand audit-key 'Print the audit checkpoint signing key (base64 Ed25519), read from the data directory: the trusted copy `hoopctl audit verify --public-key` needs. Run on the gateway host'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;gateway;help;serve'= {
        }
        &'hoopctl;gateway;help;init'= {
        }
        &'hoopctl;gateway;help;check'= {
        }
        &'hoopctl;gateway;help;hash-password'= {
        }
        &'hoopctl;gateway;help;mask-test'= {
        }
        &'hoopctl;gateway;help;token'= {
        }
        &'hoopctl;gateway;help;audit-key'= {
        }
        &'hoopctl;gateway;help;help'= {
        }
        &'hoopctl;policy'= {
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand test 'Explain a decision: every Cedar request, its outcome and the policies behind it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;policy;test'= {
            cand --config 'Gateway config file (its policy files, identities and connections are used)'
            cand --principal 'Who asks: a user or service account name from the config'
            cand --sql 'A SQL string to decide exactly as the gateway''s proxy would'
            cand --connection 'The connection the SQL runs on (with --sql)'
            cand --reason 'The grant''s reason the SQL runs under (with --sql)'
            cand --search-path 'The session''s search_path (with --sql; default public)'
            cand --action 'One action: connect, read, write, export, ddl, admin, unmask, approve, approve_own'
            cand --resource 'Its resource: ''Connection::"NAME"'' or ''Table::"CONNECTION/schema.table"'''
            cand --context 'JSON merged over the action''s default context, e.g. ''{"approved": true}'''
            cand --profile 'Gateway profile to use (one per gateway)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --provider 'Where the CI token comes from (with --ci)'
            cand --audience 'Audience to request the CI token for (default: the gateway URL)'
            cand --token-env 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)'
            cand --token-file 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)'
            cand --ci 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hoopctl;policy;help'= {
            cand test 'Explain a decision: every Cedar request, its outcome and the policies behind it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;policy;help;test'= {
        }
        &'hoopctl;policy;help;help'= {
        }
        &'hoopctl;help'= {
            cand login 'Log in to a gateway (OAuth device flow; or a minted token with --token-stdin)'
            cand logout 'Revoke this profile''s login at the gateway and forget it locally'
            cand whoami 'Show who this profile is logged in as'
            cand connections 'List the connections you may request'
            cand grant 'Request, list and decide just-in-time grants'
            cand review 'See and decide reviews: held statements and pending grants waiting for a human'
            cand connect 'Open a local tunnel to a connection; with `-- CMD`, run CMD against it and exit with its status'
            cand wait 'Wait until a `connect --health-addr` tunnel is ready (for a later CI step)'
            cand audit 'Read the gateway''s audit log (admins)'
            cand sessions 'Proxied sessions and their recordings (admins)'
            cand admin 'Administer identities at the gateway (admins)'
            cand completions 'Print a shell completion script'
            cand dev 'Run a whole gateway, a dev user and a demo connection on this machine, in one process'
            cand gateway 'Run and administer a gateway'
            cand policy 'Try policy decisions offline, against a gateway config and its policy files'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hoopctl;help;login'= {
        }
        &'hoopctl;help;logout'= {
        }
        &'hoopctl;help;whoami'= {
        }
        &'hoopctl;help;connections'= {
        }
        &'hoopctl;help;grant'= {
            cand request 'Ask for access to a connection'
            cand list 'List your grants (or everyone''s with --all, for approvers)'
            cand approve 'Approve a pending grant (approver groups)'
            cand deny 'Deny a pending grant (approver groups)'
            cand revoke 'End a grant now; its live sessions are closed'
        }
        &'hoopctl;help;grant;request'= {
        }
        &'hoopctl;help;grant;list'= {
        }
        &'hoopctl;help;grant;approve'= {
        }
        &'hoopctl;help;grant;deny'= {
        }
        &'hoopctl;help;grant;revoke'= {
        }
        &'hoopctl;help;review'= {
            cand list 'List reviews you asked for or may decide (pending ones by default)'
            cand show 'Show one review, with the statement it holds'
            cand approve 'Approve: a held statement runs once; a pending grant becomes active'
            cand deny 'Deny: the held statement fails with SQLSTATE 42501; a pending grant is denied'
        }
        &'hoopctl;help;review;list'= {
        }
        &'hoopctl;help;review;show'= {
        }
        &'hoopctl;help;review;approve'= {
        }
        &'hoopctl;help;review;deny'= {
        }
        &'hoopctl;help;connect'= {
        }
        &'hoopctl;help;wait'= {
        }
        &'hoopctl;help;audit'= {
            cand list 'List audit events, oldest first'
            cand export 'Export the tamper-evident log with the signed checkpoints that cover it (admins)'
            cand who-accessed 'Which sessions received a record of a PHI table: identities, CI runs, the statement and the time (admins). The table must declare its key column in the gateway config'
            cand public-key 'Print the gateway''s checkpoint signing key (base64 Ed25519) for `audit verify`'
            cand verify 'Check an export offline: every event chained, every checkpoint signed by KEY, the end covered, and the signed manifest naming exactly the events in the file (so a cut or emptied file fails). Names the first bad event; exit 1 when the export does not verify'
        }
        &'hoopctl;help;audit;list'= {
        }
        &'hoopctl;help;audit;export'= {
        }
        &'hoopctl;help;audit;who-accessed'= {
        }
        &'hoopctl;help;audit;public-key'= {
        }
        &'hoopctl;help;audit;verify'= {
        }
        &'hoopctl;help;sessions'= {
            cand list 'List proxied sessions, newest first'
            cand show 'One session: who, what grant and CI run, its recording, and every audit event'
            cand replay 'Replay a session''s recording as psql would have shown it (statements, masked rows, errors). The recording is checked against the digest in the audit log first'
        }
        &'hoopctl;help;sessions;list'= {
        }
        &'hoopctl;help;sessions;show'= {
        }
        &'hoopctl;help;sessions;replay'= {
        }
        &'hoopctl;help;admin'= {
            cand sessions 'An identity''s logins and live sessions'
            cand identities 'People known through identity providers'
        }
        &'hoopctl;help;admin;sessions'= {
            cand revoke 'End everything an identity holds: every login (its tokens), every pending or active grant, and its live tunnels'' sessions, whose clients are told why. A person who signed in through an identity provider must sign in there again'
        }
        &'hoopctl;help;admin;sessions;revoke'= {
        }
        &'hoopctl;help;admin;identities'= {
            cand list 'List the people who signed in through an identity provider: name, provider, groups, and until when the provider vouches for them'
            cand forget 'Revoke everything a provider-known person holds and free their name''s binding to the provider account, so the name binds again at the next sign-in (after a rename at the provider, or when the name now belongs to someone else)'
        }
        &'hoopctl;help;admin;identities;list'= {
        }
        &'hoopctl;help;admin;identities;forget'= {
        }
        &'hoopctl;help;completions'= {
        }
        &'hoopctl;help;dev'= {
        }
        &'hoopctl;help;gateway'= {
            cand serve 'Serve the API and the tunnel on the configured address'
            cand init 'Write a starter config, the default policy and a data directory into DIR'
            cand check 'Validate a config and its policies; exits non-zero with every problem listed'
            cand hash-password 'Read a password on stdin and print its argon2 hash for [[auth.users]]'
            cand mask-test 'Show what a masking profile does to a value (or to each line of stdin)'
            cand token 'Mint an access token for automation or break-glass (printed once; run on the gateway host)'
            cand audit-key 'Print the audit checkpoint signing key (base64 Ed25519), read from the data directory: the trusted copy `hoopctl audit verify --public-key` needs. Run on the gateway host'
        }
        &'hoopctl;help;gateway;serve'= {
        }
        &'hoopctl;help;gateway;init'= {
        }
        &'hoopctl;help;gateway;check'= {
        }
        &'hoopctl;help;gateway;hash-password'= {
        }
        &'hoopctl;help;gateway;mask-test'= {
        }
        &'hoopctl;help;gateway;token'= {
        }
        &'hoopctl;help;gateway;audit-key'= {
        }
        &'hoopctl;help;policy'= {
            cand test 'Explain a decision: every Cedar request, its outcome and the policies behind it'
        }
        &'hoopctl;help;policy;test'= {
        }
        &'hoopctl;help;help'= {
        }
    ]
    $completions[$command]
}

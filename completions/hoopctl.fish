# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hoopctl_global_optspecs
    string join \n profile= o/output= ci provider= audience= token-env= token-file= h/help V/version
end

function __fish_hoopctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hoopctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hoopctl_using_subcommand
    set -l cmd (__fish_hoopctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hoopctl -n "__fish_hoopctl_needs_command" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_needs_command" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_needs_command" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_needs_command" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_needs_command" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_needs_command" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_needs_command" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -f -a "login" -d 'Log in to a gateway (OAuth device flow; or a minted token with --token-stdin)'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -f -a "logout" -d 'Revoke this profile\'s login at the gateway and forget it locally'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -f -a "whoami" -d 'Show who this profile is logged in as'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -f -a "connections" -d 'List the connections you may request'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -f -a "grant" -d 'Request, list and decide just-in-time grants'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -f -a "review" -d 'See and decide reviews: held statements and pending grants waiting for a human'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -f -a "connect" -d 'Open a local tunnel to a connection; with `-- CMD`, run CMD against it and exit with its status'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -f -a "wait" -d 'Wait until a `connect --health-addr` tunnel is ready (for a later CI step)'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -f -a "audit" -d 'Read the gateway\'s audit log (admins)'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -f -a "sessions" -d 'Proxied sessions and their recordings (admins)'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -f -a "admin" -d 'Administer identities at the gateway (admins)'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -f -a "dev" -d 'Run a whole gateway, a dev user and a demo connection on this machine, in one process'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -f -a "gateway" -d 'Run and administer a gateway'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -f -a "policy" -d 'Try policy decisions offline, against a gateway config and its policy files'
complete -c hoopctl -n "__fish_hoopctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand login" -l gateway -d 'Gateway URL, e.g. https://gateway.example.com:8443 (remembered in the profile)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand login" -l ca-file -d 'PEM file of the gateway\'s CA, when it is not publicly trusted (copied into the profile)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand login" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand login" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand login" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand login" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand login" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand login" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand login" -l token-stdin -d 'Read an access token minted by `hoopctl gateway token` from stdin'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand login" -l save -d 'With --ci: also save the profile and the (short-lived) token for later commands'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand login" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand login" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand logout" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand logout" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand logout" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand logout" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand logout" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand logout" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand logout" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand logout" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand whoami" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand whoami" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand whoami" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand whoami" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand whoami" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand whoami" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand whoami" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand whoami" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand whoami" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connections" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connections" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connections" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connections" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connections" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connections" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connections" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connections" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connections" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and not __fish_seen_subcommand_from request list approve deny revoke help" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and not __fish_seen_subcommand_from request list approve deny revoke help" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and not __fish_seen_subcommand_from request list approve deny revoke help" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and not __fish_seen_subcommand_from request list approve deny revoke help" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and not __fish_seen_subcommand_from request list approve deny revoke help" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and not __fish_seen_subcommand_from request list approve deny revoke help" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and not __fish_seen_subcommand_from request list approve deny revoke help" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and not __fish_seen_subcommand_from request list approve deny revoke help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and not __fish_seen_subcommand_from request list approve deny revoke help" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and not __fish_seen_subcommand_from request list approve deny revoke help" -f -a "request" -d 'Ask for access to a connection'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and not __fish_seen_subcommand_from request list approve deny revoke help" -f -a "list" -d 'List your grants (or everyone\'s with --all, for approvers)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and not __fish_seen_subcommand_from request list approve deny revoke help" -f -a "approve" -d 'Approve a pending grant (approver groups)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and not __fish_seen_subcommand_from request list approve deny revoke help" -f -a "deny" -d 'Deny a pending grant (approver groups)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and not __fish_seen_subcommand_from request list approve deny revoke help" -f -a "revoke" -d 'End a grant now; its live sessions are closed'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and not __fish_seen_subcommand_from request list approve deny revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from request" -l reason -d 'Why you need access (recorded with every statement)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from request" -l duration -d 'How long, e.g. 30m or 2h (default: the gateway\'s)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from request" -l timeout -d 'How long to wait (with --wait)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from request" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from request" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from request" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from request" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from request" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from request" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from request" -l wait -d 'Wait for an approver if the grant needs one'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from request" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from request" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from request" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from list" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from list" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from list" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from list" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from list" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from list" -l pending -d 'Only pending grants'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from list" -l all -d 'Everyone\'s grants (approvers and admins)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from list" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from approve" -l reason -d 'Note recorded with the decision' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from approve" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from approve" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from approve" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from approve" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from approve" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from approve" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from approve" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from approve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from approve" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from deny" -l reason -d 'Why (shown to the requester)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from deny" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from deny" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from deny" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from deny" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from deny" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from deny" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from deny" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from deny" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from deny" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from revoke" -l reason -d 'Why' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from revoke" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from revoke" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from revoke" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from revoke" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from revoke" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from revoke" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from revoke" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from help" -f -a "request" -d 'Ask for access to a connection'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from help" -f -a "list" -d 'List your grants (or everyone\'s with --all, for approvers)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from help" -f -a "approve" -d 'Approve a pending grant (approver groups)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from help" -f -a "deny" -d 'Deny a pending grant (approver groups)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'End a grant now; its live sessions are closed'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand grant; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and not __fish_seen_subcommand_from list show approve deny help" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and not __fish_seen_subcommand_from list show approve deny help" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and not __fish_seen_subcommand_from list show approve deny help" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and not __fish_seen_subcommand_from list show approve deny help" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and not __fish_seen_subcommand_from list show approve deny help" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and not __fish_seen_subcommand_from list show approve deny help" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and not __fish_seen_subcommand_from list show approve deny help" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and not __fish_seen_subcommand_from list show approve deny help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and not __fish_seen_subcommand_from list show approve deny help" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and not __fish_seen_subcommand_from list show approve deny help" -f -a "list" -d 'List reviews you asked for or may decide (pending ones by default)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and not __fish_seen_subcommand_from list show approve deny help" -f -a "show" -d 'Show one review, with the statement it holds'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and not __fish_seen_subcommand_from list show approve deny help" -f -a "approve" -d 'Approve: a held statement runs once; a pending grant becomes active'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and not __fish_seen_subcommand_from list show approve deny help" -f -a "deny" -d 'Deny: the held statement fails with SQLSTATE 42501; a pending grant is denied'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and not __fish_seen_subcommand_from list show approve deny help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from list" -l status -d 'pending (default), approved, denied, expired, cancelled or all' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from list" -l connection -d 'Only this connection' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from list" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from list" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from list" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from list" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from list" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from list" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from show" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from show" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from show" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from show" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from show" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from show" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from approve" -l reason -d 'Note recorded with the decision' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from approve" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from approve" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from approve" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from approve" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from approve" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from approve" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from approve" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from approve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from approve" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from deny" -l reason -d 'Why (shown to the requester)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from deny" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from deny" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from deny" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from deny" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from deny" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from deny" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from deny" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from deny" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from deny" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from help" -f -a "list" -d 'List reviews you asked for or may decide (pending ones by default)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one review, with the statement it holds'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from help" -f -a "approve" -d 'Approve: a held statement runs once; a pending grant becomes active'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from help" -f -a "deny" -d 'Deny: the held statement fails with SQLSTATE 42501; a pending grant is denied'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand review; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connect" -l port -d 'Local port on 127.0.0.1 (default: an ephemeral one)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connect" -l reason -d 'Why you need access; needed when no active grant exists' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connect" -l duration -d 'Duration of a new grant, e.g. 30m' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connect" -l timeout -d 'How long to wait (with --wait)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connect" -l health-addr -d 'Serve /startup, /readiness and /liveness on this address (e.g. 127.0.0.1:9090)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connect" -l max-sigterm-delay -d 'On SIGTERM, let open connections finish for up to this long (CMD always gets 10s)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connect" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connect" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connect" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connect" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connect" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connect" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connect" -l wait -d 'Wait for an approver if the grant needs one'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connect" -l exit-zero-on-sigterm -d 'Exit 0 after a SIGTERM instead of 143'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connect" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand connect" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand wait" -l health-addr -d 'The address given to `connect --health-addr`' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand wait" -l timeout -d 'Give up after this long' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand wait" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand wait" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand wait" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand wait" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand wait" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand wait" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand wait" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand wait" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand wait" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and not __fish_seen_subcommand_from list export who-accessed public-key verify help" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and not __fish_seen_subcommand_from list export who-accessed public-key verify help" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and not __fish_seen_subcommand_from list export who-accessed public-key verify help" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and not __fish_seen_subcommand_from list export who-accessed public-key verify help" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and not __fish_seen_subcommand_from list export who-accessed public-key verify help" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and not __fish_seen_subcommand_from list export who-accessed public-key verify help" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and not __fish_seen_subcommand_from list export who-accessed public-key verify help" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and not __fish_seen_subcommand_from list export who-accessed public-key verify help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and not __fish_seen_subcommand_from list export who-accessed public-key verify help" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and not __fish_seen_subcommand_from list export who-accessed public-key verify help" -f -a "list" -d 'List audit events, oldest first'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and not __fish_seen_subcommand_from list export who-accessed public-key verify help" -f -a "export" -d 'Export the tamper-evident log with the signed checkpoints that cover it (admins)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and not __fish_seen_subcommand_from list export who-accessed public-key verify help" -f -a "who-accessed" -d 'Which sessions received a record of a PHI table: identities, CI runs, the statement and the time (admins). The table must declare its key column in the gateway config'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and not __fish_seen_subcommand_from list export who-accessed public-key verify help" -f -a "public-key" -d 'Print the gateway\'s checkpoint signing key (base64 Ed25519) for `audit verify`'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and not __fish_seen_subcommand_from list export who-accessed public-key verify help" -f -a "verify" -d 'Check an export offline: every event chained, every checkpoint signed by KEY, the end covered, and the signed manifest naming exactly the events in the file (so a cut or emptied file fails). Names the first bad event; exit 1 when the export does not verify'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and not __fish_seen_subcommand_from list export who-accessed public-key verify help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l since -d 'Only events since this time (RFC 3339) or this long ago (2h, 1d)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l connection -d 'Only this connection' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l identity -d 'Only this identity' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l session -d 'Only this session' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l repository -d 'Only what CI runs of this repository did (workload provenance)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l run -d 'Only what this CI run did (its run, pipeline or build id)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l limit -d 'At most this many (newest)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from list" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from export" -l since -d 'Only events since this time (RFC 3339) or this long ago (30d); the chain before it is vouched for by the first event\'s predecessor hash' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from export" -l format -d 'jsonl (one JSON object per line) or csv' -r -f -a "jsonl\t'One JSON object per line: a header, the events, the checkpoints'
csv\t'RFC 4180 CSV, one row per event or checkpoint'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from export" -l out -d 'Write here instead of stdout' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from export" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from export" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from export" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from export" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from export" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from export" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from export" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from who-accessed" -l connection -d 'Connection the record lives behind' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from who-accessed" -l table -d 'The table: schema.table, or its name alone when that is unambiguous' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from who-accessed" -l key -d 'The record\'s key (the value of the table\'s declared key column)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from who-accessed" -l since -d 'Only sessions whose statement ran since this time (RFC 3339) or this long ago (90d)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from who-accessed" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from who-accessed" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from who-accessed" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from who-accessed" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from who-accessed" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from who-accessed" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from who-accessed" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from who-accessed" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from who-accessed" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from public-key" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from public-key" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from public-key" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from public-key" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from public-key" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from public-key" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from public-key" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from public-key" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from public-key" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l public-key -d 'The public key, base64, or a file holding it. Get it from a trusted place (`hoopctl gateway audit-key` on the gateway host), not from the export' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l previous -d 'An earlier export kept elsewhere: FILE must continue it (events in both identical, not ending before it). Catches a log rewritten while the gateway was stopped' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "list" -d 'List audit events, oldest first'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "export" -d 'Export the tamper-evident log with the signed checkpoints that cover it (admins)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "who-accessed" -d 'Which sessions received a record of a PHI table: identities, CI runs, the statement and the time (admins). The table must declare its key column in the gateway config'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "public-key" -d 'Print the gateway\'s checkpoint signing key (base64 Ed25519) for `audit verify`'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check an export offline: every event chained, every checkpoint signed by KEY, the end covered, and the signed manifest naming exactly the events in the file (so a cut or emptied file fails). Names the first bad event; exit 1 when the export does not verify'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and not __fish_seen_subcommand_from list show replay help" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and not __fish_seen_subcommand_from list show replay help" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and not __fish_seen_subcommand_from list show replay help" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and not __fish_seen_subcommand_from list show replay help" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and not __fish_seen_subcommand_from list show replay help" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and not __fish_seen_subcommand_from list show replay help" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and not __fish_seen_subcommand_from list show replay help" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and not __fish_seen_subcommand_from list show replay help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and not __fish_seen_subcommand_from list show replay help" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and not __fish_seen_subcommand_from list show replay help" -f -a "list" -d 'List proxied sessions, newest first'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and not __fish_seen_subcommand_from list show replay help" -f -a "show" -d 'One session: who, what grant and CI run, its recording, and every audit event'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and not __fish_seen_subcommand_from list show replay help" -f -a "replay" -d 'Replay a session\'s recording as psql would have shown it (statements, masked rows, errors). The recording is checked against the digest in the audit log first'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and not __fish_seen_subcommand_from list show replay help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from list" -l since -d 'Only sessions started since this time (RFC 3339) or this long ago (2h, 1d)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from list" -l connection -d 'Only this connection' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from list" -l identity -d 'Only this identity' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from list" -l repository -d 'Only sessions of CI runs of this repository (workload provenance)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from list" -l run -d 'Only sessions of this CI run (its run, pipeline or build id)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from list" -l limit -d 'At most this many (default 50)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from list" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from list" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from list" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from list" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from list" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from list" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from show" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from show" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from show" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from show" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from show" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from show" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from replay" -l file -d 'Replay a recording saved with --save instead of fetching one (no digest check)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from replay" -l speed -d 'Wait between statements as the session did, sped up this many times (1 = real time). Without it, no waiting' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from replay" -l save -d 'Also save the fetched recording here (zstd, as the gateway stores it)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from replay" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from replay" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from replay" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from replay" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from replay" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from replay" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from replay" -l statements-only -d 'Only the statements, each with its time in the session'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from replay" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from replay" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from help" -f -a "list" -d 'List proxied sessions, newest first'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from help" -f -a "show" -d 'One session: who, what grant and CI run, its recording, and every audit event'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from help" -f -a "replay" -d 'Replay a session\'s recording as psql would have shown it (statements, masked rows, errors). The recording is checked against the digest in the audit log first'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand sessions; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and not __fish_seen_subcommand_from sessions identities help" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and not __fish_seen_subcommand_from sessions identities help" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and not __fish_seen_subcommand_from sessions identities help" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and not __fish_seen_subcommand_from sessions identities help" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and not __fish_seen_subcommand_from sessions identities help" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and not __fish_seen_subcommand_from sessions identities help" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and not __fish_seen_subcommand_from sessions identities help" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and not __fish_seen_subcommand_from sessions identities help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and not __fish_seen_subcommand_from sessions identities help" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and not __fish_seen_subcommand_from sessions identities help" -f -a "sessions" -d 'An identity\'s logins and live sessions'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and not __fish_seen_subcommand_from sessions identities help" -f -a "identities" -d 'People known through identity providers'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and not __fish_seen_subcommand_from sessions identities help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from sessions" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from sessions" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from sessions" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from sessions" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from sessions" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from sessions" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from sessions" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from sessions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from sessions" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from sessions" -f -a "revoke" -d 'End everything an identity holds: every login (its tokens), every pending or active grant, and its live tunnels\' sessions, whose clients are told why. A person who signed in through an identity provider must sign in there again'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from sessions" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from identities" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from identities" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from identities" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from identities" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from identities" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from identities" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from identities" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from identities" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from identities" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from identities" -f -a "list" -d 'List the people who signed in through an identity provider: name, provider, groups, and until when the provider vouches for them'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from identities" -f -a "forget" -d 'Revoke everything a provider-known person holds and free their name\'s binding to the provider account, so the name binds again at the next sign-in (after a rename at the provider, or when the name now belongs to someone else)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from identities" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from help" -f -a "sessions" -d 'An identity\'s logins and live sessions'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from help" -f -a "identities" -d 'People known through identity providers'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand admin; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand completions" -l write-dir -d 'Write every shell\'s script and the man page into DIR (used to refresh completions/)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand completions" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand completions" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand completions" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand completions" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand completions" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand completions" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand completions" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand dev" -l postgres -d 'PostgreSQL server for the demo connection (a role that can create databases and roles)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand dev" -l listen -d 'Gateway listen address' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand dev" -l data-dir -d 'Keep the gateway\'s data here instead of a throwaway directory' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand dev" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand dev" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand dev" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand dev" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand dev" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand dev" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand dev" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand dev" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand dev" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and not __fish_seen_subcommand_from serve init check hash-password mask-test token audit-key help" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and not __fish_seen_subcommand_from serve init check hash-password mask-test token audit-key help" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and not __fish_seen_subcommand_from serve init check hash-password mask-test token audit-key help" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and not __fish_seen_subcommand_from serve init check hash-password mask-test token audit-key help" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and not __fish_seen_subcommand_from serve init check hash-password mask-test token audit-key help" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and not __fish_seen_subcommand_from serve init check hash-password mask-test token audit-key help" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and not __fish_seen_subcommand_from serve init check hash-password mask-test token audit-key help" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and not __fish_seen_subcommand_from serve init check hash-password mask-test token audit-key help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and not __fish_seen_subcommand_from serve init check hash-password mask-test token audit-key help" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and not __fish_seen_subcommand_from serve init check hash-password mask-test token audit-key help" -f -a "serve" -d 'Serve the API and the tunnel on the configured address'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and not __fish_seen_subcommand_from serve init check hash-password mask-test token audit-key help" -f -a "init" -d 'Write a starter config, the default policy and a data directory into DIR'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and not __fish_seen_subcommand_from serve init check hash-password mask-test token audit-key help" -f -a "check" -d 'Validate a config and its policies; exits non-zero with every problem listed'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and not __fish_seen_subcommand_from serve init check hash-password mask-test token audit-key help" -f -a "hash-password" -d 'Read a password on stdin and print its argon2 hash for [[auth.users]]'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and not __fish_seen_subcommand_from serve init check hash-password mask-test token audit-key help" -f -a "mask-test" -d 'Show what a masking profile does to a value (or to each line of stdin)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and not __fish_seen_subcommand_from serve init check hash-password mask-test token audit-key help" -f -a "token" -d 'Mint an access token for automation or break-glass (printed once; run on the gateway host)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and not __fish_seen_subcommand_from serve init check hash-password mask-test token audit-key help" -f -a "audit-key" -d 'Print the audit checkpoint signing key (base64 Ed25519), read from the data directory: the trusted copy `hoopctl audit verify --public-key` needs. Run on the gateway host'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and not __fish_seen_subcommand_from serve init check hash-password mask-test token audit-key help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from serve" -l config -d 'Gateway config file' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from serve" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from serve" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from serve" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from serve" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from serve" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from serve" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from serve" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from init" -l listen -d 'Listen address written into the config' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from init" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from init" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from init" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from init" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from init" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from init" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from init" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from check" -l config -d 'Gateway config file' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from check" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from check" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from check" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from check" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from check" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from check" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from check" -l online -d 'Also contact every identity provider and workload issuer now: discovery, endpoints, PKCE support and signing keys'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from check" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from hash-password" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from hash-password" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from hash-password" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from hash-password" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from hash-password" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from hash-password" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from hash-password" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from hash-password" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from hash-password" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from mask-test" -l config -d 'Gateway config file' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from mask-test" -l connection -d 'Use this connection\'s profile' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from mask-test" -l mask-profile -d 'Use this [masking.profiles.NAME] (default: the only one)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from mask-test" -l column -d 'Treat the value as a text cell of this column (schema.table.column): the column rule that matches it, if any, applies instead of the detectors' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from mask-test" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from mask-test" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from mask-test" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from mask-test" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from mask-test" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from mask-test" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from mask-test" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from mask-test" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from mask-test" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from token" -l config -d 'Gateway config file' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from token" -l user -d 'User the token is for' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from token" -l ttl -d 'Lifetime' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from token" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from token" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from token" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from token" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from token" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from token" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from token" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from token" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from audit-key" -l config -d 'Gateway config file' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from audit-key" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from audit-key" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from audit-key" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from audit-key" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from audit-key" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from audit-key" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from audit-key" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from audit-key" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from audit-key" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Serve the API and the tunnel on the configured address'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from help" -f -a "init" -d 'Write a starter config, the default policy and a data directory into DIR'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from help" -f -a "check" -d 'Validate a config and its policies; exits non-zero with every problem listed'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from help" -f -a "hash-password" -d 'Read a password on stdin and print its argon2 hash for [[auth.users]]'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from help" -f -a "mask-test" -d 'Show what a masking profile does to a value (or to each line of stdin)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from help" -f -a "token" -d 'Mint an access token for automation or break-glass (printed once; run on the gateway host)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from help" -f -a "audit-key" -d 'Print the audit checkpoint signing key (base64 Ed25519), read from the data directory: the trusted copy `hoopctl audit verify --public-key` needs. Run on the gateway host'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand gateway; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and not __fish_seen_subcommand_from test help" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and not __fish_seen_subcommand_from test help" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and not __fish_seen_subcommand_from test help" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and not __fish_seen_subcommand_from test help" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and not __fish_seen_subcommand_from test help" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and not __fish_seen_subcommand_from test help" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and not __fish_seen_subcommand_from test help" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and not __fish_seen_subcommand_from test help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and not __fish_seen_subcommand_from test help" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and not __fish_seen_subcommand_from test help" -f -a "test" -d 'Explain a decision: every Cedar request, its outcome and the policies behind it'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and not __fish_seen_subcommand_from test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -l config -d 'Gateway config file (its policy files, identities and connections are used)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -l principal -d 'Who asks: a user or service account name from the config' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -l sql -d 'A SQL string to decide exactly as the gateway\'s proxy would' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -l connection -d 'The connection the SQL runs on (with --sql)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -l reason -d 'The grant\'s reason the SQL runs under (with --sql)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -l search-path -d 'The session\'s search_path (with --sql; default public)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -l action -d 'One action: connect, read, write, export, ddl, admin, unmask, approve, approve_own' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -l resource -d 'Its resource: \'Connection::"NAME"\' or \'Table::"CONNECTION/schema.table"\'' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -l context -d 'JSON merged over the action\'s default context, e.g. \'{"approved": true}\'' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -l profile -d 'Gateway profile to use (one per gateway)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON (one object, or JSON lines for streams)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -l provider -d 'Where the CI token comes from (with --ci)' -r -f -a "auto\t'Detect the platform from its environment variables'
github\t'GitHub Actions (`permissions: id-token: write`)'
gitlab\t'GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN)'
circleci\t'CircleCI (CIRCLE_OIDC_TOKEN_V2)'
buildkite\t'Buildkite (`buildkite-agent oidc request-token`)'
kubernetes\t'A Kubernetes projected service-account token file'
env\t'An environment variable (--token-env)'
file\t'A file (--token-file)'"
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -l audience -d 'Audience to request the CI token for (default: the gateway URL)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -l token-env -d 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)' -r
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -l token-file -d 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)' -r -F
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -l ci -d 'Log in as a workload with this CI job\'s OIDC token, kept in memory (docs/ci.md)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "test" -d 'Explain a decision: every Cedar request, its outcome and the policies behind it'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami connections grant review connect wait audit sessions admin completions dev gateway policy help" -f -a "login" -d 'Log in to a gateway (OAuth device flow; or a minted token with --token-stdin)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami connections grant review connect wait audit sessions admin completions dev gateway policy help" -f -a "logout" -d 'Revoke this profile\'s login at the gateway and forget it locally'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami connections grant review connect wait audit sessions admin completions dev gateway policy help" -f -a "whoami" -d 'Show who this profile is logged in as'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami connections grant review connect wait audit sessions admin completions dev gateway policy help" -f -a "connections" -d 'List the connections you may request'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami connections grant review connect wait audit sessions admin completions dev gateway policy help" -f -a "grant" -d 'Request, list and decide just-in-time grants'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami connections grant review connect wait audit sessions admin completions dev gateway policy help" -f -a "review" -d 'See and decide reviews: held statements and pending grants waiting for a human'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami connections grant review connect wait audit sessions admin completions dev gateway policy help" -f -a "connect" -d 'Open a local tunnel to a connection; with `-- CMD`, run CMD against it and exit with its status'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami connections grant review connect wait audit sessions admin completions dev gateway policy help" -f -a "wait" -d 'Wait until a `connect --health-addr` tunnel is ready (for a later CI step)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami connections grant review connect wait audit sessions admin completions dev gateway policy help" -f -a "audit" -d 'Read the gateway\'s audit log (admins)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami connections grant review connect wait audit sessions admin completions dev gateway policy help" -f -a "sessions" -d 'Proxied sessions and their recordings (admins)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami connections grant review connect wait audit sessions admin completions dev gateway policy help" -f -a "admin" -d 'Administer identities at the gateway (admins)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami connections grant review connect wait audit sessions admin completions dev gateway policy help" -f -a "completions" -d 'Print a shell completion script'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami connections grant review connect wait audit sessions admin completions dev gateway policy help" -f -a "dev" -d 'Run a whole gateway, a dev user and a demo connection on this machine, in one process'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami connections grant review connect wait audit sessions admin completions dev gateway policy help" -f -a "gateway" -d 'Run and administer a gateway'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami connections grant review connect wait audit sessions admin completions dev gateway policy help" -f -a "policy" -d 'Try policy decisions offline, against a gateway config and its policy files'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and not __fish_seen_subcommand_from login logout whoami connections grant review connect wait audit sessions admin completions dev gateway policy help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from grant" -f -a "request" -d 'Ask for access to a connection'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from grant" -f -a "list" -d 'List your grants (or everyone\'s with --all, for approvers)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from grant" -f -a "approve" -d 'Approve a pending grant (approver groups)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from grant" -f -a "deny" -d 'Deny a pending grant (approver groups)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from grant" -f -a "revoke" -d 'End a grant now; its live sessions are closed'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from review" -f -a "list" -d 'List reviews you asked for or may decide (pending ones by default)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from review" -f -a "show" -d 'Show one review, with the statement it holds'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from review" -f -a "approve" -d 'Approve: a held statement runs once; a pending grant becomes active'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from review" -f -a "deny" -d 'Deny: the held statement fails with SQLSTATE 42501; a pending grant is denied'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "list" -d 'List audit events, oldest first'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "export" -d 'Export the tamper-evident log with the signed checkpoints that cover it (admins)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "who-accessed" -d 'Which sessions received a record of a PHI table: identities, CI runs, the statement and the time (admins). The table must declare its key column in the gateway config'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "public-key" -d 'Print the gateway\'s checkpoint signing key (base64 Ed25519) for `audit verify`'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "verify" -d 'Check an export offline: every event chained, every checkpoint signed by KEY, the end covered, and the signed manifest naming exactly the events in the file (so a cut or emptied file fails). Names the first bad event; exit 1 when the export does not verify'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from sessions" -f -a "list" -d 'List proxied sessions, newest first'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from sessions" -f -a "show" -d 'One session: who, what grant and CI run, its recording, and every audit event'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from sessions" -f -a "replay" -d 'Replay a session\'s recording as psql would have shown it (statements, masked rows, errors). The recording is checked against the digest in the audit log first'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from admin" -f -a "sessions" -d 'An identity\'s logins and live sessions'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from admin" -f -a "identities" -d 'People known through identity providers'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from gateway" -f -a "serve" -d 'Serve the API and the tunnel on the configured address'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from gateway" -f -a "init" -d 'Write a starter config, the default policy and a data directory into DIR'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from gateway" -f -a "check" -d 'Validate a config and its policies; exits non-zero with every problem listed'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from gateway" -f -a "hash-password" -d 'Read a password on stdin and print its argon2 hash for [[auth.users]]'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from gateway" -f -a "mask-test" -d 'Show what a masking profile does to a value (or to each line of stdin)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from gateway" -f -a "token" -d 'Mint an access token for automation or break-glass (printed once; run on the gateway host)'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from gateway" -f -a "audit-key" -d 'Print the audit checkpoint signing key (base64 Ed25519), read from the data directory: the trusted copy `hoopctl audit verify --public-key` needs. Run on the gateway host'
complete -c hoopctl -n "__fish_hoopctl_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "test" -d 'Explain a decision: every Cedar request, its outcome and the policies behind it'

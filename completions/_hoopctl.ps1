
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'hoopctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'hoopctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'hoopctl' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to a gateway (OAuth device flow; or a minted token with --token-stdin)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Revoke this profile''s login at the gateway and forget it locally')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show who this profile is logged in as')
            [CompletionResult]::new('connections', 'connections', [CompletionResultType]::ParameterValue, 'List the connections you may request')
            [CompletionResult]::new('grant', 'grant', [CompletionResultType]::ParameterValue, 'Request, list and decide just-in-time grants')
            [CompletionResult]::new('review', 'review', [CompletionResultType]::ParameterValue, 'See and decide reviews: held statements and pending grants waiting for a human')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Open a local tunnel to a connection; with `-- CMD`, run CMD against it and exit with its status')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until a `connect --health-addr` tunnel is ready (for a later CI step)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Read the gateway''s audit log (admins)')
            [CompletionResult]::new('sessions', 'sessions', [CompletionResultType]::ParameterValue, 'Proxied sessions and their recordings (admins)')
            [CompletionResult]::new('admin', 'admin', [CompletionResultType]::ParameterValue, 'Administer identities at the gateway (admins)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('dev', 'dev', [CompletionResultType]::ParameterValue, 'Run a whole gateway, a dev user and a demo connection on this machine, in one process')
            [CompletionResult]::new('gateway', 'gateway', [CompletionResultType]::ParameterValue, 'Run and administer a gateway')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Try policy decisions offline, against a gateway config and its policy files')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;login' {
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'Gateway URL, e.g. https://gateway.example.com:8443 (remembered in the profile)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'PEM file of the gateway''s CA, when it is not publicly trusted (copied into the profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--token-stdin', '--token-stdin', [CompletionResultType]::ParameterName, 'Read an access token minted by `hoopctl gateway token` from stdin')
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'With --ci: also save the profile and the (short-lived) token for later commands')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;logout' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;whoami' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;connections' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;grant' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('request', 'request', [CompletionResultType]::ParameterValue, 'Ask for access to a connection')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List your grants (or everyone''s with --all, for approvers)')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Approve a pending grant (approver groups)')
            [CompletionResult]::new('deny', 'deny', [CompletionResultType]::ParameterValue, 'Deny a pending grant (approver groups)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'End a grant now; its live sessions are closed')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;grant;request' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why you need access (recorded with every statement)')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'How long, e.g. 30m or 2h (default: the gateway''s)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait (with --wait)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for an approver if the grant needs one')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;grant;list' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--pending', '--pending', [CompletionResultType]::ParameterName, 'Only pending grants')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Everyone''s grants (approvers and admins)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;grant;approve' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Note recorded with the decision')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;grant;deny' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (shown to the requester)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;grant;revoke' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;grant;help' {
            [CompletionResult]::new('request', 'request', [CompletionResultType]::ParameterValue, 'Ask for access to a connection')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List your grants (or everyone''s with --all, for approvers)')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Approve a pending grant (approver groups)')
            [CompletionResult]::new('deny', 'deny', [CompletionResultType]::ParameterValue, 'Deny a pending grant (approver groups)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'End a grant now; its live sessions are closed')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;grant;help;request' {
            break
        }
        'hoopctl;grant;help;list' {
            break
        }
        'hoopctl;grant;help;approve' {
            break
        }
        'hoopctl;grant;help;deny' {
            break
        }
        'hoopctl;grant;help;revoke' {
            break
        }
        'hoopctl;grant;help;help' {
            break
        }
        'hoopctl;review' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List reviews you asked for or may decide (pending ones by default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one review, with the statement it holds')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Approve: a held statement runs once; a pending grant becomes active')
            [CompletionResult]::new('deny', 'deny', [CompletionResultType]::ParameterValue, 'Deny: the held statement fails with SQLSTATE 42501; a pending grant is denied')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;review;list' {
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'pending (default), approved, denied, expired, cancelled or all')
            [CompletionResult]::new('--connection', '--connection', [CompletionResultType]::ParameterName, 'Only this connection')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;review;show' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;review;approve' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Note recorded with the decision')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;review;deny' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (shown to the requester)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;review;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List reviews you asked for or may decide (pending ones by default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one review, with the statement it holds')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Approve: a held statement runs once; a pending grant becomes active')
            [CompletionResult]::new('deny', 'deny', [CompletionResultType]::ParameterValue, 'Deny: the held statement fails with SQLSTATE 42501; a pending grant is denied')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;review;help;list' {
            break
        }
        'hoopctl;review;help;show' {
            break
        }
        'hoopctl;review;help;approve' {
            break
        }
        'hoopctl;review;help;deny' {
            break
        }
        'hoopctl;review;help;help' {
            break
        }
        'hoopctl;connect' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local port on 127.0.0.1 (default: an ephemeral one)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why you need access; needed when no active grant exists')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Duration of a new grant, e.g. 30m')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait (with --wait)')
            [CompletionResult]::new('--health-addr', '--health-addr', [CompletionResultType]::ParameterName, 'Serve /startup, /readiness and /liveness on this address (e.g. 127.0.0.1:9090)')
            [CompletionResult]::new('--max-sigterm-delay', '--max-sigterm-delay', [CompletionResultType]::ParameterName, 'On SIGTERM, let open connections finish for up to this long (CMD always gets 10s)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for an approver if the grant needs one')
            [CompletionResult]::new('--exit-zero-on-sigterm', '--exit-zero-on-sigterm', [CompletionResultType]::ParameterName, 'Exit 0 after a SIGTERM instead of 143')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;wait' {
            [CompletionResult]::new('--health-addr', '--health-addr', [CompletionResultType]::ParameterName, 'The address given to `connect --health-addr`')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;audit' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit events, oldest first')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export the tamper-evident log with the signed checkpoints that cover it (admins)')
            [CompletionResult]::new('who-accessed', 'who-accessed', [CompletionResultType]::ParameterValue, 'Which sessions received a record of a PHI table: identities, CI runs, the statement and the time (admins). The table must declare its key column in the gateway config')
            [CompletionResult]::new('public-key', 'public-key', [CompletionResultType]::ParameterValue, 'Print the gateway''s checkpoint signing key (base64 Ed25519) for `audit verify`')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check an export offline: every event chained, every checkpoint signed by KEY, the end covered, and the signed manifest naming exactly the events in the file (so a cut or emptied file fails). Names the first bad event; exit 1 when the export does not verify')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;audit;list' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events since this time (RFC 3339) or this long ago (2h, 1d)')
            [CompletionResult]::new('--connection', '--connection', [CompletionResultType]::ParameterName, 'Only this connection')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Only this identity')
            [CompletionResult]::new('--session', '--session', [CompletionResultType]::ParameterName, 'Only this session')
            [CompletionResult]::new('--repository', '--repository', [CompletionResultType]::ParameterName, 'Only what CI runs of this repository did (workload provenance)')
            [CompletionResult]::new('--run', '--run', [CompletionResultType]::ParameterName, 'Only what this CI run did (its run, pipeline or build id)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many (newest)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;audit;export' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events since this time (RFC 3339) or this long ago (30d); the chain before it is vouched for by the first event''s predecessor hash')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'jsonl (one JSON object per line) or csv')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write here instead of stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;audit;who-accessed' {
            [CompletionResult]::new('--connection', '--connection', [CompletionResultType]::ParameterName, 'Connection the record lives behind')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'The table: schema.table, or its name alone when that is unambiguous')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The record''s key (the value of the table''s declared key column)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only sessions whose statement ran since this time (RFC 3339) or this long ago (90d)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;audit;public-key' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;audit;verify' {
            [CompletionResult]::new('--public-key', '--public-key', [CompletionResultType]::ParameterName, 'The public key, base64, or a file holding it. Get it from a trusted place (`hoopctl gateway audit-key` on the gateway host), not from the export')
            [CompletionResult]::new('--previous', '--previous', [CompletionResultType]::ParameterName, 'An earlier export kept elsewhere: FILE must continue it (events in both identical, not ending before it). Catches a log rewritten while the gateway was stopped')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;audit;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit events, oldest first')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export the tamper-evident log with the signed checkpoints that cover it (admins)')
            [CompletionResult]::new('who-accessed', 'who-accessed', [CompletionResultType]::ParameterValue, 'Which sessions received a record of a PHI table: identities, CI runs, the statement and the time (admins). The table must declare its key column in the gateway config')
            [CompletionResult]::new('public-key', 'public-key', [CompletionResultType]::ParameterValue, 'Print the gateway''s checkpoint signing key (base64 Ed25519) for `audit verify`')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check an export offline: every event chained, every checkpoint signed by KEY, the end covered, and the signed manifest naming exactly the events in the file (so a cut or emptied file fails). Names the first bad event; exit 1 when the export does not verify')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;audit;help;list' {
            break
        }
        'hoopctl;audit;help;export' {
            break
        }
        'hoopctl;audit;help;who-accessed' {
            break
        }
        'hoopctl;audit;help;public-key' {
            break
        }
        'hoopctl;audit;help;verify' {
            break
        }
        'hoopctl;audit;help;help' {
            break
        }
        'hoopctl;sessions' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List proxied sessions, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One session: who, what grant and CI run, its recording, and every audit event')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Replay a session''s recording as psql would have shown it (statements, masked rows, errors). The recording is checked against the digest in the audit log first')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;sessions;list' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only sessions started since this time (RFC 3339) or this long ago (2h, 1d)')
            [CompletionResult]::new('--connection', '--connection', [CompletionResultType]::ParameterName, 'Only this connection')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Only this identity')
            [CompletionResult]::new('--repository', '--repository', [CompletionResultType]::ParameterName, 'Only sessions of CI runs of this repository (workload provenance)')
            [CompletionResult]::new('--run', '--run', [CompletionResultType]::ParameterName, 'Only sessions of this CI run (its run, pipeline or build id)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many (default 50)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;sessions;show' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;sessions;replay' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Replay a recording saved with --save instead of fetching one (no digest check)')
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Wait between statements as the session did, sped up this many times (1 = real time). Without it, no waiting')
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'Also save the fetched recording here (zstd, as the gateway stores it)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--statements-only', '--statements-only', [CompletionResultType]::ParameterName, 'Only the statements, each with its time in the session')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;sessions;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List proxied sessions, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One session: who, what grant and CI run, its recording, and every audit event')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Replay a session''s recording as psql would have shown it (statements, masked rows, errors). The recording is checked against the digest in the audit log first')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;sessions;help;list' {
            break
        }
        'hoopctl;sessions;help;show' {
            break
        }
        'hoopctl;sessions;help;replay' {
            break
        }
        'hoopctl;sessions;help;help' {
            break
        }
        'hoopctl;admin' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('sessions', 'sessions', [CompletionResultType]::ParameterValue, 'An identity''s logins and live sessions')
            [CompletionResult]::new('identities', 'identities', [CompletionResultType]::ParameterValue, 'People known through identity providers')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;admin;sessions' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'End everything an identity holds: every login (its tokens), every pending or active grant, and its live tunnels'' sessions, whose clients are told why. A person who signed in through an identity provider must sign in there again')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;admin;sessions;revoke' {
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity (a user, a service account, or a person from an identity provider)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why; shown to the identity''s clients and recorded in the audit log')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;admin;sessions;help' {
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'End everything an identity holds: every login (its tokens), every pending or active grant, and its live tunnels'' sessions, whose clients are told why. A person who signed in through an identity provider must sign in there again')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;admin;sessions;help;revoke' {
            break
        }
        'hoopctl;admin;sessions;help;help' {
            break
        }
        'hoopctl;admin;identities' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the people who signed in through an identity provider: name, provider, groups, and until when the provider vouches for them')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Revoke everything a provider-known person holds and free their name''s binding to the provider account, so the name binds again at the next sign-in (after a rename at the provider, or when the name now belongs to someone else)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;admin;identities;list' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;admin;identities;forget' {
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The identity')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why; recorded in the audit log')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;admin;identities;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the people who signed in through an identity provider: name, provider, groups, and until when the provider vouches for them')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Revoke everything a provider-known person holds and free their name''s binding to the provider account, so the name binds again at the next sign-in (after a rename at the provider, or when the name now belongs to someone else)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;admin;identities;help;list' {
            break
        }
        'hoopctl;admin;identities;help;forget' {
            break
        }
        'hoopctl;admin;identities;help;help' {
            break
        }
        'hoopctl;admin;help' {
            [CompletionResult]::new('sessions', 'sessions', [CompletionResultType]::ParameterValue, 'An identity''s logins and live sessions')
            [CompletionResult]::new('identities', 'identities', [CompletionResultType]::ParameterValue, 'People known through identity providers')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;admin;help;sessions' {
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'End everything an identity holds: every login (its tokens), every pending or active grant, and its live tunnels'' sessions, whose clients are told why. A person who signed in through an identity provider must sign in there again')
            break
        }
        'hoopctl;admin;help;sessions;revoke' {
            break
        }
        'hoopctl;admin;help;identities' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the people who signed in through an identity provider: name, provider, groups, and until when the provider vouches for them')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Revoke everything a provider-known person holds and free their name''s binding to the provider account, so the name binds again at the next sign-in (after a rename at the provider, or when the name now belongs to someone else)')
            break
        }
        'hoopctl;admin;help;identities;list' {
            break
        }
        'hoopctl;admin;help;identities;forget' {
            break
        }
        'hoopctl;admin;help;help' {
            break
        }
        'hoopctl;completions' {
            [CompletionResult]::new('--write-dir', '--write-dir', [CompletionResultType]::ParameterName, 'Write every shell''s script and the man page into DIR (used to refresh completions/)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;dev' {
            [CompletionResult]::new('--postgres', '--postgres', [CompletionResultType]::ParameterName, 'PostgreSQL server for the demo connection (a role that can create databases and roles)')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Gateway listen address')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Keep the gateway''s data here instead of a throwaway directory')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;gateway' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the API and the tunnel on the configured address')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a starter config, the default policy and a data directory into DIR')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate a config and its policies; exits non-zero with every problem listed')
            [CompletionResult]::new('hash-password', 'hash-password', [CompletionResultType]::ParameterValue, 'Read a password on stdin and print its argon2 hash for [[auth.users]]')
            [CompletionResult]::new('mask-test', 'mask-test', [CompletionResultType]::ParameterValue, 'Show what a masking profile does to a value (or to each line of stdin)')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Mint an access token for automation or break-glass (printed once; run on the gateway host)')
            [CompletionResult]::new('audit-key', 'audit-key', [CompletionResultType]::ParameterValue, 'Print the audit checkpoint signing key (base64 Ed25519), read from the data directory: the trusted copy `hoopctl audit verify --public-key` needs. Run on the gateway host')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;gateway;serve' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Gateway config file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;gateway;init' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Listen address written into the config')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;gateway;check' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Gateway config file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--online', '--online', [CompletionResultType]::ParameterName, 'Also contact every identity provider and workload issuer now: discovery, endpoints, PKCE support and signing keys')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;gateway;hash-password' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;gateway;mask-test' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Gateway config file')
            [CompletionResult]::new('--connection', '--connection', [CompletionResultType]::ParameterName, 'Use this connection''s profile')
            [CompletionResult]::new('--mask-profile', '--mask-profile', [CompletionResultType]::ParameterName, 'Use this [masking.profiles.NAME] (default: the only one)')
            [CompletionResult]::new('--column', '--column', [CompletionResultType]::ParameterName, 'Treat the value as a text cell of this column (schema.table.column): the column rule that matches it, if any, applies instead of the detectors')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;gateway;token' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Gateway config file')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User the token is for')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Lifetime')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;gateway;audit-key' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Gateway config file')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;gateway;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the API and the tunnel on the configured address')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a starter config, the default policy and a data directory into DIR')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate a config and its policies; exits non-zero with every problem listed')
            [CompletionResult]::new('hash-password', 'hash-password', [CompletionResultType]::ParameterValue, 'Read a password on stdin and print its argon2 hash for [[auth.users]]')
            [CompletionResult]::new('mask-test', 'mask-test', [CompletionResultType]::ParameterValue, 'Show what a masking profile does to a value (or to each line of stdin)')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Mint an access token for automation or break-glass (printed once; run on the gateway host)')
            [CompletionResult]::new('audit-key', 'audit-key', [CompletionResultType]::ParameterValue, 'Print the audit checkpoint signing key (base64 Ed25519), read from the data directory: the trusted copy `hoopctl audit verify --public-key` needs. Run on the gateway host')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;gateway;help;serve' {
            break
        }
        'hoopctl;gateway;help;init' {
            break
        }
        'hoopctl;gateway;help;check' {
            break
        }
        'hoopctl;gateway;help;hash-password' {
            break
        }
        'hoopctl;gateway;help;mask-test' {
            break
        }
        'hoopctl;gateway;help;token' {
            break
        }
        'hoopctl;gateway;help;audit-key' {
            break
        }
        'hoopctl;gateway;help;help' {
            break
        }
        'hoopctl;policy' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Explain a decision: every Cedar request, its outcome and the policies behind it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;policy;test' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Gateway config file (its policy files, identities and connections are used)')
            [CompletionResult]::new('--principal', '--principal', [CompletionResultType]::ParameterName, 'Who asks: a user or service account name from the config')
            [CompletionResult]::new('--sql', '--sql', [CompletionResultType]::ParameterName, 'A SQL string to decide exactly as the gateway''s proxy would')
            [CompletionResult]::new('--connection', '--connection', [CompletionResultType]::ParameterName, 'The connection the SQL runs on (with --sql)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'The grant''s reason the SQL runs under (with --sql)')
            [CompletionResult]::new('--search-path', '--search-path', [CompletionResultType]::ParameterName, 'The session''s search_path (with --sql; default public)')
            [CompletionResult]::new('--action', '--action', [CompletionResultType]::ParameterName, 'One action: connect, read, write, export, ddl, admin, unmask, approve, approve_own')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Its resource: ''Connection::"NAME"'' or ''Table::"CONNECTION/schema.table"''')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'JSON merged over the action''s default context, e.g. ''{"approved": true}''')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Gateway profile to use (one per gateway)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Where the CI token comes from (with --ci)')
            [CompletionResult]::new('--audience', '--audience', [CompletionResultType]::ParameterName, 'Audience to request the CI token for (default: the gateway URL)')
            [CompletionResult]::new('--token-env', '--token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN)')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl)')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Log in as a workload with this CI job''s OIDC token, kept in memory (docs/ci.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hoopctl;policy;help' {
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Explain a decision: every Cedar request, its outcome and the policies behind it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;policy;help;test' {
            break
        }
        'hoopctl;policy;help;help' {
            break
        }
        'hoopctl;help' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to a gateway (OAuth device flow; or a minted token with --token-stdin)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Revoke this profile''s login at the gateway and forget it locally')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show who this profile is logged in as')
            [CompletionResult]::new('connections', 'connections', [CompletionResultType]::ParameterValue, 'List the connections you may request')
            [CompletionResult]::new('grant', 'grant', [CompletionResultType]::ParameterValue, 'Request, list and decide just-in-time grants')
            [CompletionResult]::new('review', 'review', [CompletionResultType]::ParameterValue, 'See and decide reviews: held statements and pending grants waiting for a human')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Open a local tunnel to a connection; with `-- CMD`, run CMD against it and exit with its status')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until a `connect --health-addr` tunnel is ready (for a later CI step)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Read the gateway''s audit log (admins)')
            [CompletionResult]::new('sessions', 'sessions', [CompletionResultType]::ParameterValue, 'Proxied sessions and their recordings (admins)')
            [CompletionResult]::new('admin', 'admin', [CompletionResultType]::ParameterValue, 'Administer identities at the gateway (admins)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('dev', 'dev', [CompletionResultType]::ParameterValue, 'Run a whole gateway, a dev user and a demo connection on this machine, in one process')
            [CompletionResult]::new('gateway', 'gateway', [CompletionResultType]::ParameterValue, 'Run and administer a gateway')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Try policy decisions offline, against a gateway config and its policy files')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hoopctl;help;login' {
            break
        }
        'hoopctl;help;logout' {
            break
        }
        'hoopctl;help;whoami' {
            break
        }
        'hoopctl;help;connections' {
            break
        }
        'hoopctl;help;grant' {
            [CompletionResult]::new('request', 'request', [CompletionResultType]::ParameterValue, 'Ask for access to a connection')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List your grants (or everyone''s with --all, for approvers)')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Approve a pending grant (approver groups)')
            [CompletionResult]::new('deny', 'deny', [CompletionResultType]::ParameterValue, 'Deny a pending grant (approver groups)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'End a grant now; its live sessions are closed')
            break
        }
        'hoopctl;help;grant;request' {
            break
        }
        'hoopctl;help;grant;list' {
            break
        }
        'hoopctl;help;grant;approve' {
            break
        }
        'hoopctl;help;grant;deny' {
            break
        }
        'hoopctl;help;grant;revoke' {
            break
        }
        'hoopctl;help;review' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List reviews you asked for or may decide (pending ones by default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one review, with the statement it holds')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Approve: a held statement runs once; a pending grant becomes active')
            [CompletionResult]::new('deny', 'deny', [CompletionResultType]::ParameterValue, 'Deny: the held statement fails with SQLSTATE 42501; a pending grant is denied')
            break
        }
        'hoopctl;help;review;list' {
            break
        }
        'hoopctl;help;review;show' {
            break
        }
        'hoopctl;help;review;approve' {
            break
        }
        'hoopctl;help;review;deny' {
            break
        }
        'hoopctl;help;connect' {
            break
        }
        'hoopctl;help;wait' {
            break
        }
        'hoopctl;help;audit' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit events, oldest first')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export the tamper-evident log with the signed checkpoints that cover it (admins)')
            [CompletionResult]::new('who-accessed', 'who-accessed', [CompletionResultType]::ParameterValue, 'Which sessions received a record of a PHI table: identities, CI runs, the statement and the time (admins). The table must declare its key column in the gateway config')
            [CompletionResult]::new('public-key', 'public-key', [CompletionResultType]::ParameterValue, 'Print the gateway''s checkpoint signing key (base64 Ed25519) for `audit verify`')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check an export offline: every event chained, every checkpoint signed by KEY, the end covered, and the signed manifest naming exactly the events in the file (so a cut or emptied file fails). Names the first bad event; exit 1 when the export does not verify')
            break
        }
        'hoopctl;help;audit;list' {
            break
        }
        'hoopctl;help;audit;export' {
            break
        }
        'hoopctl;help;audit;who-accessed' {
            break
        }
        'hoopctl;help;audit;public-key' {
            break
        }
        'hoopctl;help;audit;verify' {
            break
        }
        'hoopctl;help;sessions' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List proxied sessions, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One session: who, what grant and CI run, its recording, and every audit event')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Replay a session''s recording as psql would have shown it (statements, masked rows, errors). The recording is checked against the digest in the audit log first')
            break
        }
        'hoopctl;help;sessions;list' {
            break
        }
        'hoopctl;help;sessions;show' {
            break
        }
        'hoopctl;help;sessions;replay' {
            break
        }
        'hoopctl;help;admin' {
            [CompletionResult]::new('sessions', 'sessions', [CompletionResultType]::ParameterValue, 'An identity''s logins and live sessions')
            [CompletionResult]::new('identities', 'identities', [CompletionResultType]::ParameterValue, 'People known through identity providers')
            break
        }
        'hoopctl;help;admin;sessions' {
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'End everything an identity holds: every login (its tokens), every pending or active grant, and its live tunnels'' sessions, whose clients are told why. A person who signed in through an identity provider must sign in there again')
            break
        }
        'hoopctl;help;admin;sessions;revoke' {
            break
        }
        'hoopctl;help;admin;identities' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the people who signed in through an identity provider: name, provider, groups, and until when the provider vouches for them')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Revoke everything a provider-known person holds and free their name''s binding to the provider account, so the name binds again at the next sign-in (after a rename at the provider, or when the name now belongs to someone else)')
            break
        }
        'hoopctl;help;admin;identities;list' {
            break
        }
        'hoopctl;help;admin;identities;forget' {
            break
        }
        'hoopctl;help;completions' {
            break
        }
        'hoopctl;help;dev' {
            break
        }
        'hoopctl;help;gateway' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the API and the tunnel on the configured address')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a starter config, the default policy and a data directory into DIR')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate a config and its policies; exits non-zero with every problem listed')
            [CompletionResult]::new('hash-password', 'hash-password', [CompletionResultType]::ParameterValue, 'Read a password on stdin and print its argon2 hash for [[auth.users]]')
            [CompletionResult]::new('mask-test', 'mask-test', [CompletionResultType]::ParameterValue, 'Show what a masking profile does to a value (or to each line of stdin)')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Mint an access token for automation or break-glass (printed once; run on the gateway host)')
            [CompletionResult]::new('audit-key', 'audit-key', [CompletionResultType]::ParameterValue, 'Print the audit checkpoint signing key (base64 Ed25519), read from the data directory: the trusted copy `hoopctl audit verify --public-key` needs. Run on the gateway host')
            break
        }
        'hoopctl;help;gateway;serve' {
            break
        }
        'hoopctl;help;gateway;init' {
            break
        }
        'hoopctl;help;gateway;check' {
            break
        }
        'hoopctl;help;gateway;hash-password' {
            break
        }
        'hoopctl;help;gateway;mask-test' {
            break
        }
        'hoopctl;help;gateway;token' {
            break
        }
        'hoopctl;help;gateway;audit-key' {
            break
        }
        'hoopctl;help;policy' {
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Explain a decision: every Cedar request, its outcome and the policies behind it')
            break
        }
        'hoopctl;help;policy;test' {
            break
        }
        'hoopctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}

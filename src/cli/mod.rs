//! The command line: clap definitions only. Each verb resolves its flags and calls into
//! `client::`, `gateway::` or `dev::`. One definition also generates the shell completions and
//! the man page in `completions/`.

mod run;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

pub use run::run;

use crate::client::Output;
use crate::client::ci::Provider;
use crate::exit::EXIT_CODES_HELP;

/// hoopctl: just-in-time, audited access to production data for CI jobs, scripts, bots and people.
#[derive(Debug, Parser)]
#[command(name = "hoopctl", version, about, after_help = EXIT_CODES_HELP, propagate_version = true)]
pub struct Cli {
    /// Gateway profile to use (one per gateway).
    #[arg(
        long,
        global = true,
        env = "HOOPCTL_PROFILE",
        default_value = "default"
    )]
    pub profile: String,
    /// Output format.
    #[arg(short = 'o', long, global = true, env = "HOOPCTL_OUTPUT", value_enum, default_value_t = Output::Text)]
    pub output: Output,
    /// Log in as a workload with this CI job's OIDC token, kept in memory (docs/ci.md).
    #[arg(
        long,
        global = true,
        env = "HOOPCTL_CI",
        help_heading = "Workload identity (CI)"
    )]
    pub ci: bool,
    /// Where the CI token comes from (with --ci).
    #[arg(long, global = true, env = "HOOPCTL_CI_PROVIDER", value_enum, default_value_t = Provider::Auto, help_heading = "Workload identity (CI)")]
    pub provider: Provider,
    /// Audience to request the CI token for (default: the gateway URL).
    #[arg(
        long,
        global = true,
        env = "HOOPCTL_AUDIENCE",
        help_heading = "Workload identity (CI)"
    )]
    pub audience: Option<String>,
    /// Environment variable holding the CI token (GitLab default: HOOPCTL_ID_TOKEN).
    #[arg(
        long,
        global = true,
        env = "HOOPCTL_TOKEN_ENV",
        help_heading = "Workload identity (CI)"
    )]
    pub token_env: Option<String>,
    /// File holding the CI token (Kubernetes default: /var/run/secrets/tokens/hoopctl).
    #[arg(
        long,
        global = true,
        env = "HOOPCTL_TOKEN_FILE",
        help_heading = "Workload identity (CI)"
    )]
    pub token_file: Option<PathBuf>,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in to a gateway (OAuth device flow; or a minted token with --token-stdin).
    #[command(
        after_help = "Examples:\n  hoopctl login --gateway https://gw.example.com:8443\n  hoopctl login --gateway https://127.0.0.1:8443 --ca-file ca.pem\n  hoopctl gateway token --config gw.toml --user ci | hoopctl login --gateway URL --token-stdin"
    )]
    Login(LoginArgs),
    /// Revoke this profile's login at the gateway and forget it locally.
    Logout,
    /// Show who this profile is logged in as.
    Whoami,
    /// List the connections you may request.
    Connections,
    /// Request, list and decide just-in-time grants.
    #[command(subcommand)]
    Grant(GrantCommand),
    /// See and decide reviews: held statements and pending grants waiting for a human.
    #[command(subcommand)]
    Review(ReviewCommand),
    /// Open a local tunnel to a connection; with `-- CMD`, run CMD against it and exit with its status.
    #[command(
        after_help = "Examples:\n  hoopctl connect warehouse --reason \"nightly refresh\"\n  hoopctl connect warehouse --reason \"nightly refresh\" -- psql -c 'select count(*) from orders'\n  hoopctl connect prod --reason \"incident 42\" --wait --timeout 30m -- ./export.sh\n\nCMD gets PGHOST, PGPORT, PGDATABASE, PGUSER, PGSSLMODE=disable and DATABASE_URL."
    )]
    Connect(ConnectArgs),
    /// Wait until a `connect --health-addr` tunnel is ready (for a later CI step).
    #[command(
        after_help = "Example:\n  hoopctl connect warehouse --ci --reason etl --health-addr 127.0.0.1:9090 &\n  hoopctl wait --health-addr 127.0.0.1:9090 --timeout 2m\n\nExits 0 once /startup answers 200; 1 when --timeout passes first."
    )]
    Wait(WaitCmdArgs),
    /// Read the gateway's audit log (admins).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Proxied sessions and their recordings (admins).
    #[command(subcommand)]
    Sessions(SessionsCommand),
    /// Administer identities at the gateway (admins).
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Run a whole gateway, a dev user and a demo connection on this machine, in one process.
    #[command(
        after_help = "Example:\n  hoopctl dev --postgres postgresql://postgres@127.0.0.1:5432/postgres"
    )]
    Dev(DevArgs),
    /// Run and administer a gateway.
    #[command(subcommand)]
    Gateway(GatewayCommand),
    /// Try policy decisions offline, against a gateway config and its policy files.
    #[command(subcommand)]
    Policy(PolicyCommand),
}

/// `policy` verbs.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Explain a decision: every Cedar request, its outcome and the policies behind it.
    #[command(
        after_help = "Examples:\n  hoopctl policy test --config gw.toml --principal etl --connection warehouse --sql 'delete from orders'\n  hoopctl policy test --config gw.toml --principal alice --action unmask --resource 'Connection::\"warehouse\"'\n  hoopctl policy test --config gw.toml --principal bob --action approve --resource 'Connection::\"prod\"' --context '{\"requester\": \"alice\"}'\n\nExit status: 0 allowed, 4 allowed once a reviewer approves, 3 denied."
    )]
    Test(PolicyTestArgs),
}

/// `policy test` flags.
#[derive(Debug, Args)]
pub struct PolicyTestArgs {
    /// Gateway config file (its policy files, identities and connections are used).
    #[arg(long, env = "HOOPCTL_CONFIG")]
    pub config: PathBuf,
    /// Who asks: a user or service account name from the config.
    #[arg(long, env = "HOOPCTL_PRINCIPAL")]
    pub principal: String,
    /// A SQL string to decide exactly as the gateway's proxy would.
    #[arg(long, conflicts_with_all = ["action", "resource", "context"])]
    pub sql: Option<String>,
    /// The connection the SQL runs on (with --sql).
    #[arg(long, env = "HOOPCTL_CONNECTION")]
    pub connection: Option<String>,
    /// The grant's reason the SQL runs under (with --sql).
    #[arg(long, env = "HOOPCTL_REASON", default_value = "policy test")]
    pub reason: String,
    /// The session's search_path (with --sql; default public).
    #[arg(long)]
    pub search_path: Option<String>,
    /// One action: connect, read, write, export, ddl, admin, unmask, approve, approve_own.
    #[arg(long)]
    pub action: Option<String>,
    /// Its resource: 'Connection::"NAME"' or 'Table::"CONNECTION/schema.table"'.
    #[arg(long)]
    pub resource: Option<String>,
    /// JSON merged over the action's default context, e.g. '{"approved": true}'.
    #[arg(long)]
    pub context: Option<String>,
}

/// `login` flags.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Gateway URL, e.g. https://gateway.example.com:8443 (remembered in the profile).
    #[arg(long, env = "HOOPCTL_GATEWAY")]
    pub gateway: Option<String>,
    /// PEM file of the gateway's CA, when it is not publicly trusted (copied into the profile).
    #[arg(long, env = "HOOPCTL_CA_FILE")]
    pub ca_file: Option<PathBuf>,
    /// Read an access token minted by `hoopctl gateway token` from stdin.
    #[arg(long, env = "HOOPCTL_TOKEN_STDIN")]
    pub token_stdin: bool,
    /// With --ci: also save the profile and the (short-lived) token for later commands.
    #[arg(long, env = "HOOPCTL_SAVE")]
    pub save: bool,
}

/// `grant` verbs.
#[derive(Debug, Subcommand)]
pub enum GrantCommand {
    /// Ask for access to a connection.
    #[command(
        after_help = "Example:\n  hoopctl grant request warehouse --reason \"nightly refresh\" --duration 2h --wait"
    )]
    Request {
        /// Connection name.
        connection: String,
        /// Why you need access (recorded with every statement).
        #[arg(long, env = "HOOPCTL_REASON")]
        reason: String,
        /// How long, e.g. 30m or 2h (default: the gateway's).
        #[arg(long, env = "HOOPCTL_DURATION")]
        duration: Option<String>,
        /// Waiting for approval.
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// List your grants (or everyone's with --all, for approvers).
    List {
        /// Only pending grants.
        #[arg(long, env = "HOOPCTL_PENDING")]
        pending: bool,
        /// Everyone's grants (approvers and admins).
        #[arg(long, env = "HOOPCTL_ALL")]
        all: bool,
    },
    /// Approve a pending grant (approver groups).
    Approve {
        /// Grant id.
        id: String,
        /// Note recorded with the decision.
        #[arg(long, env = "HOOPCTL_REASON")]
        reason: Option<String>,
    },
    /// Deny a pending grant (approver groups).
    Deny {
        /// Grant id.
        id: String,
        /// Why (shown to the requester).
        #[arg(long, env = "HOOPCTL_REASON")]
        reason: Option<String>,
    },
    /// End a grant now; its live sessions are closed.
    Revoke {
        /// Grant id.
        id: String,
        /// Why.
        #[arg(long, env = "HOOPCTL_REASON")]
        reason: Option<String>,
    },
}

/// `review` verbs.
#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// List reviews you asked for or may decide (pending ones by default).
    #[command(after_help = "Examples:
  hoopctl review list
  hoopctl review list --status all --connection warehouse -o json")]
    List {
        /// pending (default), approved, denied, expired, cancelled or all.
        #[arg(long, env = "HOOPCTL_STATUS")]
        status: Option<String>,
        /// Only this connection.
        #[arg(long, env = "HOOPCTL_CONNECTION")]
        connection: Option<String>,
    },
    /// Show one review, with the statement it holds.
    Show {
        /// Review id (rv_…).
        id: String,
    },
    /// Approve: a held statement runs once; a pending grant becomes active.
    #[command(
        after_help = "Example:\n  hoopctl review approve rv_0123456789abcdef --reason \"checked with the on-call\""
    )]
    Approve {
        /// Review id (rv_…).
        id: String,
        /// Note recorded with the decision.
        #[arg(long, env = "HOOPCTL_REASON")]
        reason: Option<String>,
    },
    /// Deny: the held statement fails with SQLSTATE 42501; a pending grant is denied.
    Deny {
        /// Review id (rv_…).
        id: String,
        /// Why (shown to the requester).
        #[arg(long, env = "HOOPCTL_REASON")]
        reason: Option<String>,
    },
}

/// Waiting for approval.
#[derive(Debug, Args, Clone)]
pub struct WaitArgs {
    /// Wait for an approver if the grant needs one.
    #[arg(long, env = "HOOPCTL_WAIT")]
    pub wait: bool,
    /// How long to wait (with --wait).
    #[arg(long, env = "HOOPCTL_TIMEOUT", default_value = "15m", value_parser = parse_duration)]
    pub timeout: Duration,
}

impl WaitArgs {
    /// The wait, if asked for.
    pub fn wait(&self) -> Option<Duration> {
        self.wait.then_some(self.timeout)
    }
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s).map_err(|e| format!("{e} (use e.g. 30s, 15m, 2h)"))
}

/// `wait` flags.
#[derive(Debug, Args)]
pub struct WaitCmdArgs {
    /// The address given to `connect --health-addr`.
    #[arg(long, env = "HOOPCTL_HEALTH_ADDR", default_value = "127.0.0.1:9090")]
    pub health_addr: std::net::SocketAddr,
    /// Give up after this long.
    #[arg(long, env = "HOOPCTL_WAIT_TIMEOUT", default_value = "1m", value_parser = parse_duration)]
    pub timeout: Duration,
}

/// `connect` flags.
#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// Connection name.
    pub connection: String,
    /// Local port on 127.0.0.1 (default: an ephemeral one).
    #[arg(long, env = "HOOPCTL_PORT", default_value_t = 0)]
    pub port: u16,
    /// Why you need access; needed when no active grant exists.
    #[arg(long, env = "HOOPCTL_REASON")]
    pub reason: Option<String>,
    /// Duration of a new grant, e.g. 30m.
    #[arg(long, env = "HOOPCTL_DURATION")]
    pub duration: Option<String>,
    /// Waiting for approval.
    #[command(flatten)]
    pub wait: WaitArgs,
    /// Serve /startup, /readiness and /liveness on this address (e.g. 127.0.0.1:9090).
    #[arg(long, env = "HOOPCTL_HEALTH_ADDR")]
    pub health_addr: Option<std::net::SocketAddr>,
    /// On SIGTERM, let open connections finish for up to this long (CMD always gets 10s).
    #[arg(long, env = "HOOPCTL_MAX_SIGTERM_DELAY", default_value = "0s", value_parser = parse_duration)]
    pub max_sigterm_delay: Duration,
    /// Exit 0 after a SIGTERM instead of 143.
    #[arg(long, env = "HOOPCTL_EXIT_ZERO_ON_SIGTERM")]
    pub exit_zero_on_sigterm: bool,
    /// Command to run with the tunnel's PG* variables; hoopctl exits with its status.
    #[arg(last = true)]
    pub command: Vec<String>,
}

/// `audit` verbs.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// List audit events, oldest first.
    #[command(
        after_help = "Examples:\n  hoopctl audit list --since 2h --connection warehouse\n  hoopctl audit list --identity ci-nightly -o json\n  hoopctl audit list --repository acme/warehouse --run 9876543210"
    )]
    List {
        /// Only events since this time (RFC 3339) or this long ago (2h, 1d).
        #[arg(long, env = "HOOPCTL_SINCE")]
        since: Option<String>,
        /// Only this connection.
        #[arg(long, env = "HOOPCTL_CONNECTION")]
        connection: Option<String>,
        /// Only this identity.
        #[arg(long, env = "HOOPCTL_IDENTITY")]
        identity: Option<String>,
        /// Only this session.
        #[arg(long, env = "HOOPCTL_SESSION")]
        session: Option<String>,
        /// Only what CI runs of this repository did (workload provenance).
        #[arg(long, env = "HOOPCTL_REPOSITORY")]
        repository: Option<String>,
        /// Only what this CI run did (its run, pipeline or build id).
        #[arg(long, env = "HOOPCTL_RUN")]
        run: Option<String>,
        /// At most this many (newest).
        #[arg(long, env = "HOOPCTL_LIMIT")]
        limit: Option<u32>,
    },
    /// Export the tamper-evident log with the signed checkpoints that cover it (admins).
    #[command(
        after_help = "The gateway signs a checkpoint of the chain's head first, so everything exported is covered.

Examples:
  hoopctl audit export --since 30d --out audit-2026-11.jsonl
  hoopctl audit export --format csv --out audit.csv
  hoopctl audit verify audit-2026-11.jsonl --public-key \"$(hoopctl audit public-key)\""
    )]
    Export {
        /// Only events since this time (RFC 3339) or this long ago (30d); the chain before it
        /// is vouched for by the first event's predecessor hash.
        #[arg(long, env = "HOOPCTL_SINCE")]
        since: Option<String>,
        /// jsonl (one JSON object per line) or csv.
        #[arg(long, value_enum, default_value_t = crate::client::audit::ExportFormat::Jsonl)]
        format: crate::client::audit::ExportFormat,
        /// Write here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Which sessions received a record of a PHI table: identities, CI runs, the statement
    /// and the time (admins). The table must declare its key column in the gateway config.
    #[command(
        after_help = "Examples:\n  hoopctl audit who-accessed --connection warehouse --table patients --key 12345\n  hoopctl audit who-accessed --connection warehouse --table public.patients --key MRN-00123456 --since 90d -o json\n\nThe key is matched as PostgreSQL prints it (42, MRN-00123456, a lower-case uuid)."
    )]
    WhoAccessed {
        /// Connection the record lives behind.
        #[arg(long, env = "HOOPCTL_CONNECTION")]
        connection: String,
        /// The table: schema.table, or its name alone when that is unambiguous.
        #[arg(long)]
        table: String,
        /// The record's key (the value of the table's declared key column).
        #[arg(long)]
        key: String,
        /// Only sessions whose statement ran since this time (RFC 3339) or this long ago (90d).
        #[arg(long, env = "HOOPCTL_SINCE")]
        since: Option<String>,
    },
    /// Print the gateway's checkpoint signing key (base64 Ed25519) for `audit verify`.
    PublicKey,
    /// Check an export offline: every event chained, every checkpoint signed by KEY, the end
    /// covered, and the signed manifest naming exactly the events in the file (so a cut or
    /// emptied file fails). Names the first bad event; exit 1 when the export does not verify.
    #[command(after_help = "Examples:
  hoopctl audit verify audit.jsonl --public-key audit-key.b64
  hoopctl audit verify audit.csv --public-key MCowBQYDK2VwAyEA…
  hoopctl audit verify audit-2026-12.jsonl --public-key audit-key.b64 --previous audit-2026-11.jsonl")]
    Verify {
        /// The export (JSON lines or CSV, as `audit export` writes them).
        file: PathBuf,
        /// The public key, base64, or a file holding it. Get it from a trusted place
        /// (`hoopctl gateway audit-key` on the gateway host), not from the export.
        #[arg(long, env = "HOOPCTL_AUDIT_PUBLIC_KEY")]
        public_key: String,
        /// An earlier export kept elsewhere: FILE must continue it (events in both identical,
        /// not ending before it). Catches a log rewritten while the gateway was stopped.
        #[arg(long)]
        previous: Option<PathBuf>,
    },
}

/// `admin` verbs.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// An identity's logins and live sessions.
    #[command(subcommand)]
    Sessions(AdminSessionsCommand),
    /// People known through identity providers.
    #[command(subcommand)]
    Identities(AdminIdentitiesCommand),
}

/// `admin identities` verbs.
#[derive(Debug, Subcommand)]
pub enum AdminIdentitiesCommand {
    /// List the people who signed in through an identity provider: name, provider, groups,
    /// and until when the provider vouches for them.
    #[command(after_help = "Example:\n  hoopctl admin identities list -o json")]
    List,
    /// Revoke everything a provider-known person holds and free their name's binding to the
    /// provider account, so the name binds again at the next sign-in (after a rename at the
    /// provider, or when the name now belongs to someone else).
    #[command(
        after_help = "Example:\n  hoopctl admin identities forget --identity dana@example.com --reason \"renamed to dana.k@example.com\""
    )]
    Forget {
        /// The identity.
        #[arg(long)]
        identity: String,
        /// Why; recorded in the audit log.
        #[arg(long)]
        reason: Option<String>,
    },
}

/// `admin sessions` verbs.
#[derive(Debug, Subcommand)]
pub enum AdminSessionsCommand {
    /// End everything an identity holds: every login (its tokens), every pending or active
    /// grant, and its live tunnels' sessions, whose clients are told why. A person who signed
    /// in through an identity provider must sign in there again.
    #[command(
        after_help = "Examples:\n  hoopctl admin sessions revoke --identity dana@example.com --reason \"laptop stolen\"\n  hoopctl admin sessions revoke --identity etl -o json"
    )]
    Revoke {
        /// The identity (a user, a service account, or a person from an identity provider).
        #[arg(long)]
        identity: String,
        /// Why; shown to the identity's clients and recorded in the audit log.
        #[arg(long)]
        reason: Option<String>,
    },
}

/// `sessions` verbs.
#[derive(Debug, Subcommand)]
pub enum SessionsCommand {
    /// List proxied sessions, newest first.
    #[command(
        after_help = "Examples:\n  hoopctl sessions list --since 1d --connection warehouse\n  hoopctl sessions list --run 9876543210 -o json"
    )]
    List {
        /// Only sessions started since this time (RFC 3339) or this long ago (2h, 1d).
        #[arg(long, env = "HOOPCTL_SINCE")]
        since: Option<String>,
        /// Only this connection.
        #[arg(long, env = "HOOPCTL_CONNECTION")]
        connection: Option<String>,
        /// Only this identity.
        #[arg(long, env = "HOOPCTL_IDENTITY")]
        identity: Option<String>,
        /// Only sessions of CI runs of this repository (workload provenance).
        #[arg(long, env = "HOOPCTL_REPOSITORY")]
        repository: Option<String>,
        /// Only sessions of this CI run (its run, pipeline or build id).
        #[arg(long, env = "HOOPCTL_RUN")]
        run: Option<String>,
        /// At most this many (default 50).
        #[arg(long, env = "HOOPCTL_LIMIT")]
        limit: Option<u32>,
    },
    /// One session: who, what grant and CI run, its recording, and every audit event.
    #[command(after_help = "Example:\n  hoopctl sessions show se_Xr3kq8Jw2mP1aZ0d")]
    Show {
        /// Session id (se_…), from `sessions list` or `audit list`.
        id: String,
    },
    /// Replay a session's recording as psql would have shown it (statements, masked rows,
    /// errors). The recording is checked against the digest in the audit log first.
    #[command(
        after_help = "Examples:\n  hoopctl sessions replay se_Xr3kq8Jw2mP1aZ0d\n  hoopctl sessions replay se_Xr3kq8Jw2mP1aZ0d --statements-only\n  hoopctl sessions replay se_Xr3kq8Jw2mP1aZ0d --speed 1 --save se.hrec\n  hoopctl sessions replay --file se.hrec"
    )]
    Replay {
        /// Session id (se_…).
        #[arg(required_unless_present = "file", conflicts_with = "file")]
        id: Option<String>,
        /// Replay a recording saved with --save instead of fetching one (no digest check).
        #[arg(long)]
        file: Option<PathBuf>,
        /// Wait between statements as the session did, sped up this many times (1 = real
        /// time). Without it, no waiting.
        #[arg(long, value_parser = parse_speed)]
        speed: Option<f64>,
        /// Only the statements, each with its time in the session.
        #[arg(long)]
        statements_only: bool,
        /// Also save the fetched recording here (zstd, as the gateway stores it).
        #[arg(long, conflicts_with = "file")]
        save: Option<PathBuf>,
    },
}

fn parse_speed(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("{s:?} is not a positive number like 1, 2 or 0.5")),
    }
}

/// `completions` flags.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate for.
    #[arg(value_enum, required_unless_present = "write_dir")]
    pub shell: Option<clap_complete::Shell>,
    /// Write every shell's script and the man page into DIR (used to refresh completions/).
    #[arg(long, hide = true)]
    pub write_dir: Option<PathBuf>,
}

/// `dev` flags.
#[derive(Debug, Args)]
pub struct DevArgs {
    /// PostgreSQL server for the demo connection (a role that can create databases and roles).
    #[arg(
        long,
        env = "HOOPCTL_POSTGRES",
        default_value = "postgresql://postgres@127.0.0.1:5432/postgres"
    )]
    pub postgres: String,
    /// Gateway listen address.
    #[arg(long, env = "HOOPCTL_LISTEN", default_value = "127.0.0.1:8443")]
    pub listen: String,
    /// Keep the gateway's data here instead of a throwaway directory.
    #[arg(long, env = "HOOPCTL_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
}

/// `gateway` verbs.
#[derive(Debug, Subcommand)]
pub enum GatewayCommand {
    /// Serve the API and the tunnel on the configured address.
    Serve {
        /// Gateway config file.
        #[arg(long, env = "HOOPCTL_CONFIG")]
        config: PathBuf,
    },
    /// Write a starter config, the default policy and a data directory into DIR.
    Init {
        /// Directory to create.
        dir: PathBuf,
        /// Listen address written into the config.
        #[arg(long, env = "HOOPCTL_LISTEN", default_value = "127.0.0.1:8443")]
        listen: String,
    },
    /// Validate a config and its policies; exits non-zero with every problem listed.
    Check {
        /// Gateway config file.
        #[arg(long, env = "HOOPCTL_CONFIG")]
        config: PathBuf,
        /// Also contact every identity provider and workload issuer now: discovery,
        /// endpoints, PKCE support and signing keys.
        #[arg(long)]
        online: bool,
    },
    /// Read a password on stdin and print its argon2 hash for [[auth.users]].
    HashPassword,
    /// Show what a masking profile does to a value (or to each line of stdin).
    #[command(
        after_help = "Examples:\n  hoopctl gateway mask-test --config gw.toml --connection warehouse 'Pt 123-45-6789, ada@example.org'\n  psql -At -c 'select notes from patients' | hoopctl gateway mask-test --config gw.toml --mask-profile phi -"
    )]
    MaskTest {
        /// Gateway config file.
        #[arg(long, env = "HOOPCTL_CONFIG")]
        config: PathBuf,
        /// Use this connection's profile.
        #[arg(long, env = "HOOPCTL_CONNECTION", conflicts_with = "mask_profile")]
        connection: Option<String>,
        /// Use this [masking.profiles.NAME] (default: the only one).
        #[arg(long, env = "HOOPCTL_MASK_PROFILE")]
        mask_profile: Option<String>,
        /// Treat the value as a text cell of this column (schema.table.column): the column rule
        /// that matches it, if any, applies instead of the detectors.
        #[arg(long, value_name = "SCHEMA.TABLE.COLUMN")]
        column: Option<String>,
        /// The value; `-` reads lines from stdin.
        value: String,
    },
    /// Mint an access token for automation or break-glass (printed once; run on the gateway host).
    Token {
        /// Gateway config file.
        #[arg(long, env = "HOOPCTL_CONFIG")]
        config: PathBuf,
        /// User the token is for.
        #[arg(long, env = "HOOPCTL_USER")]
        user: String,
        /// Lifetime.
        #[arg(long, env = "HOOPCTL_TTL", default_value = "1h", value_parser = parse_duration)]
        ttl: Duration,
    },
    /// Print the audit checkpoint signing key (base64 Ed25519), read from the data directory:
    /// the trusted copy `hoopctl audit verify --public-key` needs. Run on the gateway host.
    #[command(
        after_help = "Example:\n  hoopctl gateway audit-key --config /etc/hoopctl/gateway.toml > audit-key.b64"
    )]
    AuditKey {
        /// Gateway config file.
        #[arg(long, env = "HOOPCTL_CONFIG")]
        config: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}

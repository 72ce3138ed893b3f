//! The command line: clap's derive tree lives here and nowhere else.
//! Each command turns its arguments into a plain request for the core.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "plat",
    version,
    about = "The golden path on the command line: scaffold services and keep them on it",
    propagate_version = true,
    after_help = "Examples:\n  plat new service payments-api\n  plat new service payments-api --set owner=team-payments --no-input\n  plat templates show service\n  plat template lint ./my-template\n  plat manifest validate\n  plat doctor\n  plat sync --check\n  plat update\n\nExit codes: 0 success, 1 a check found problems, 2 usage or input error (nothing changed), 3 the environment failed (disk, permissions, git), 130 interrupted."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Print only warnings and errors
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more detail about each step
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// When to use colours (NO_COLOR is honoured in auto mode)
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
    /// Never touch the network: templates from git come from plat's cache (PLAT_OFFLINE=1 does the same)
    #[arg(long, global = true)]
    pub offline: bool,
    /// Fetch templates from git again, even a tag already in plat's cache
    #[arg(long, global = true, conflicts_with = "offline")]
    pub refresh: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new project from a template
    #[command(
        after_help = "Examples:\n  plat new service payments-api\n  plat new service payments-api --set owner=team-payments --set port=9000 --no-input\n  plat new ./my-template billing --values answers.yaml --output services/billing\n  plat new service demo --dry-run\n\nAnswers come from, in order: --set, --values, PLAT_VAR_<NAME>, a prompt (only on a terminal, never with --no-input), the template's default."
    )]
    New(NewArgs),
    /// List and inspect templates
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// For template authors: lint, test, start a template; the schema of template.yaml
    #[command(subcommand)]
    Template(TemplateCommand),
    /// The cache of templates fetched from git
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Work with platform.yaml, the service's platform manifest
    #[command(subcommand)]
    Manifest(ManifestCommand),
    /// Check a service (or every service under a directory) against the golden path
    #[command(
        after_help = "Examples:\n  plat doctor\n  plat doctor services/billing --format json\n  plat doctor --format sarif > plat.sarif\n  plat doctor --format codequality > gl-code-quality-report.json\n  plat doctor --format github\n  plat doctor --format junit > plat-doctor.xml\n  plat doctor --fix\n  plat doctor --all ~/src/acme --policy acme-policy.yaml\n  plat doctor --list\n  plat doctor --explain PLAT302\n\nExit codes: 0 no error-level finding (with --strict: no warning either), 1 findings fail the run, 2 usage or input error, 3 the environment failed (with --fix: files already replaced are whole)."
    )]
    Doctor(DoctorArgs),
    /// Re-render the managed files (pipeline, deploy, infra, catalog) from platform.yaml
    #[command(
        after_help = "Examples:\n  plat sync\n  plat sync --dry-run\n  plat sync --check    # in CI: exit 1 if anything is out of step\n\nExit codes: 0 in step (or synced), 1 --check found changes, 2 usage or input error (nothing changed), 3 the environment failed (files already replaced are whole), 130 interrupted."
    )]
    Sync(SyncArgs),
    /// Bring the service to a newer version of its template, keeping every local edit
    #[command(
        after_help = "Examples:\n  plat update\n  plat update --dry-run\n  plat update --check            # in CI: exit 1 if a newer version is out\n  plat update --to v1.4.0 --set log_level=info\n  plat update --all ~/src/acme --branch plat-update --commit\n\nExit codes: 0 updated (or up to date), 1 conflicts were written (or --check: an update is available; with --all: a service was skipped or failed), 2 usage or input error (nothing changed), 3 the environment failed (files already written are whole), 130 interrupted."
    )]
    Update(UpdateArgs),
    /// Print a shell completion script (with template names and `--set` variables)
    #[command(
        after_help = "Examples:\n  echo 'source <(plat completions bash)' >> ~/.bashrc\n  echo 'source <(plat completions zsh)' >> ~/.zshrc\n  plat completions fish > ~/.config/fish/completions/plat.fish\n  plat completions powershell | Out-String | Invoke-Expression    # in $PROFILE\n  plat completions bash --static > /usr/share/bash-completion/completions/plat\n\nThe script calls plat back on every TAB (COMPLETE=SHELL plat prints the same script); completion reads templates from disk and plat's cache only, never the network. Re-create a saved script after upgrading plat."
    )]
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: clap_complete::Shell,
        /// A script that never calls plat: commands and flags only, no template names or variables (for packages)
        #[arg(long = "static")]
        fixed: bool,
    },
    /// Write plat's man pages (plat.1, plat-new.1, ...) into a directory
    #[command(
        after_help = "Examples:\n  plat man ~/.local/share/man/man1 && man plat-update\n  sudo plat man /usr/local/share/man/man1"
    )]
    Man {
        /// Where to write the pages (created if missing)
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ReportFormat {
    /// Grouped, coloured, with a score line
    #[default]
    Human,
    /// A versioned document (docs/doctor.md)
    Json,
    /// SARIF 2.1.0, for code-scanning upload
    Sarif,
    /// Markdown, for a pull-request comment
    Markdown,
    /// GitLab Code Quality (artifacts:reports:codequality)
    Codequality,
    /// GitHub Actions annotations (workflow commands)
    Github,
    /// JUnit XML test report (GitLab, Jenkins, Azure Pipelines)
    Junit,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// A directory in the service (searched upwards for platform.yaml), or the platform.yaml itself [default: .]
    #[arg(conflicts_with = "all")]
    pub path: Option<PathBuf>,
    /// Check every service (every platform.yaml) under DIR, in parallel
    #[arg(long, value_name = "DIR")]
    pub all: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// Fail on warnings as well as errors
    #[arg(long)]
    pub strict: bool,
    /// A policy file to apply (repeatable), after those named in plat's config
    #[arg(long, value_name = "FILE")]
    pub policy: Vec<PathBuf>,
    /// Do not read plat's config file (PLAT_CONFIG, ~/.config/plat/config.yaml)
    #[arg(long)]
    pub no_config: bool,
    /// Apply the safe fixes (managed files, CODEOWNERS entry), then check again
    #[arg(long, conflicts_with = "all")]
    pub fix: bool,
    /// With --fix: overwrite files that have uncommitted changes
    #[arg(long, requires = "fix")]
    pub allow_dirty: bool,
    /// Render managed files with this template instead of the one platform.yaml records
    #[arg(long, value_name = "SOURCE")]
    pub template: Option<String>,
    /// Services checked at once with --all [default: number of CPUs]
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// List the built-in checks and exit
    #[arg(long, conflicts_with_all = ["path", "all", "fix", "strict"])]
    pub list: bool,
    /// Print the long explanation of a check (e.g. PLAT302) and exit
    #[arg(long, value_name = "CHECK", conflicts_with_all = ["path", "all", "fix", "strict", "list", "format"])]
    pub explain: Option<String>,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// A directory in the service, searched upwards for platform.yaml [default: .]
    pub path: Option<PathBuf>,
    /// Write nothing; exit 1 if any managed file would change (for CI)
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,
    /// Show the diff of every change, and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite managed files even if they have uncommitted changes
    #[arg(long)]
    pub allow_dirty: bool,
    /// Render with this template instead of the one platform.yaml records
    #[arg(long, value_name = "SOURCE")]
    pub template: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// A directory in the service, searched upwards for platform.yaml [default: .]
    #[arg(conflicts_with = "all")]
    pub path: Option<PathBuf>,
    /// Update every service (every platform.yaml) under DIR, repositories in parallel
    #[arg(long, value_name = "DIR")]
    pub all: Option<PathBuf>,
    /// With --all --commit: make the commit on this new branch in each repository that changes
    #[arg(long, value_name = "NAME", requires = "commit")]
    pub branch: Option<String>,
    /// With --all --branch: commit the update in each repository (one commit each; repositories with uncommitted changes are skipped)
    #[arg(long, requires_all = ["all", "branch"], conflicts_with = "allow_dirty")]
    pub commit: bool,
    /// Repositories updated at once with --all [default: number of CPUs]
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// The version (built-in), or tag, branch or commit (git) to move to [default: the newest]
    #[arg(long, value_name = "VERSION|REF")]
    pub to: Option<String>,
    /// Answer a variable the new version adds, or change an answer (repeatable)
    #[arg(long = "set", short = 's', value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Read answers from a YAML or JSON file (`-` reads standard input and never prompts)
    #[arg(long, value_name = "FILE")]
    pub values: Option<PathBuf>,
    /// Never prompt; fail listing any new variable without a value
    #[arg(long)]
    pub no_input: bool,
    /// Show the plan and every file's diff, and write nothing
    #[arg(long, conflicts_with = "check")]
    pub dry_run: bool,
    /// Write nothing; exit 1 if a newer version is available (for CI)
    #[arg(long)]
    pub check: bool,
    /// Update files that have uncommitted changes
    #[arg(long)]
    pub allow_dirty: bool,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// A built-in template name, a directory (contains `/` or starts with `.`), or a git source: URL[//PATH][?ref=REF], gh:OWNER/REPO, gl:GROUP/REPO, or an alias from plat's config
    #[arg(value_name = "TEMPLATE")]
    pub template: String,
    /// Name of the new project; also the default directory
    pub name: String,
    /// Answer a template variable (repeatable)
    #[arg(long = "set", short = 's', value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Read answers from a YAML or JSON file (`-` reads standard input and never prompts)
    #[arg(long, value_name = "FILE")]
    pub values: Option<PathBuf>,
    /// Never prompt; fail listing any required variable without a value
    #[arg(long)]
    pub no_input: bool,
    /// Directory to create the project in [default: ./NAME]
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Write into an existing non-empty directory (only the template's files; nothing is deleted)
    #[arg(long)]
    pub force: bool,
    /// Show what would be written, and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Do not create a git repository
    #[arg(long)]
    pub no_git: bool,
    /// Initial branch of the new repository
    #[arg(long, default_value = "main", value_name = "NAME")]
    pub branch: String,
    /// The tag, branch or commit of a template from git (the same as `?ref=REF`)
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,
    /// Set `origin` of the new repository: a git URL without credentials, or gh:OWNER/REPO, gl:GROUP/REPO
    #[arg(long, value_name = "URL", conflicts_with = "no_git")]
    pub remote: Option<String>,
    /// Push the first commit's branch to --remote and make it the upstream
    #[arg(long, requires = "remote")]
    pub push: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// List the built-in templates
    #[command(
        after_help = "Examples:\n  plat templates list\n  plat templates list --format json"
    )]
    List {
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Show a template's variables: type, default, choices, help
    #[command(
        after_help = "Examples:\n  plat templates show service\n  plat templates show ./my-template --format json\n  plat templates show gh:acme/templates//service --ref v1.2.0"
    )]
    Show {
        /// A built-in template name, a directory, or a git source (see `plat new --help`)
        template: String,
        /// The tag, branch or commit of a template from git
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Check a template: template.yaml, its variables, every combination of answers rendered, paths, rules, the manifest section, the version
    #[command(
        after_help = "Examples:\n  plat template lint ./my-template\n  plat template lint templates/service --format sarif > lint.sarif\n  plat template lint gh:acme/templates//service --ref main\n\nExit codes: 0 no error-level finding, 1 errors found, 2 usage error or a template that cannot be read (no such directory, source or template.yaml)."
    )]
    Lint(LintArgs),
    /// Print the JSON Schema of template.yaml, for editors
    #[command(after_help = "Examples:\n  plat template schema > template.schema.json")]
    Schema,
    /// Render each test case of a template and compare it with the case's expected tree
    #[command(
        after_help = "Examples:\n  plat template test ./my-template\n  plat template test ./my-template --case go-gitlab\n  plat template test ./my-template --bless    # accept the renders; review the diff\n\nA case is tests/NAME/ in the template: answers.yaml (as for plat new --values, with `name:`) and expected/ (the whole project).\n\nExit codes: 0 every case passed (with --bless: every case rendered), 1 a case differs or does not render, 2 usage or input error (no tests/, an unknown --case, a template that does not load)."
    )]
    Test(TemplateTestArgs),
    /// Start a new template: a minimal, valid one with one test case
    #[command(
        after_help = "Examples:\n  plat template init my-template\n  plat template init templates/worker --name worker\n\nThen: plat template test my-template; plat new ./my-template payments-api"
    )]
    Init(TemplateInitArgs),
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// A template directory, a built-in template name, or a git source (see `plat new --help`)
    #[arg(value_name = "DIR|SOURCE")]
    pub template: String,
    /// The tag, branch or commit of a template from git
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    pub format: LintFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LintFormat {
    /// One line per finding, path:line:column first
    #[default]
    Human,
    /// One JSON document
    Json,
    /// SARIF 2.1.0, for code-scanning upload
    Sarif,
}

#[derive(Debug, Args)]
pub struct TemplateTestArgs {
    /// The template directory (template.yaml, files/, tests/) [default: .]
    pub dir: Option<PathBuf>,
    /// Write each render as its case's expected tree, and list what changed
    #[arg(long)]
    pub bless: bool,
    /// Run only this case (repeatable)
    #[arg(long = "case", value_name = "NAME")]
    pub cases: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct TemplateInitArgs {
    /// The directory to create (or an empty one)
    pub dir: PathBuf,
    /// The template's name [default: the directory's name]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ManifestCommand {
    /// Print the JSON Schema of platform.yaml
    #[command(after_help = "Examples:\n  plat manifest schema > platform.schema.json")]
    Schema,
    /// Check a platform.yaml and report every problem with its line and column
    #[command(
        after_help = "Examples:\n  plat manifest validate\n  plat manifest validate services/billing/platform.yaml --format json\n\nExit codes: 0 valid, 1 problems found, 2 file unreadable."
    )]
    Validate {
        /// The manifest to check
        #[arg(default_value = "platform.yaml")]
        path: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// List the repositories plat has fetched, with their size and age
    #[command(after_help = "Examples:\n  plat cache list\n  plat cache list --format json")]
    List {
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Remove cached repositories: those of the sources given, or all
    #[command(
        after_help = "Examples:\n  plat cache clean\n  plat cache clean https://git.acme.example/platform/templates.git\n  plat cache clean gh:acme/templates"
    )]
    Clean {
        /// Git sources whose cached copies to remove [default: all]
        sources: Vec<String>,
    },
}

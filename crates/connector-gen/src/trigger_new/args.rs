//! The command line of `connector-gen trigger new`.

use super::input::{header, Result};
use super::{Answer, Security, TriggerDefinition};
use std::path::PathBuf;

/// `connector-gen trigger …`.
#[derive(Debug, Clone, clap::Args)]
pub struct TriggerArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: TriggerCommand,
}

/// Subcommands of `trigger`.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum TriggerCommand {
    /// Define a webhook trigger from example payloads and write it as Swagger 2.0 (new, or
    /// appended to the spec at --output when it exists).
    New(NewArgs),
}

/// Arguments of `trigger new`.
#[derive(Debug, Clone, clap::Args)]
pub struct NewArgs {
    /// The trigger's operationId, e.g. `OnPullRequest`.
    #[arg(long)]
    pub name: String,
    /// What the trigger does, e.g. "When a pull request is opened".
    #[arg(long)]
    pub summary: String,
    /// The subscribe request: `METHOD URL`, path parameters as `{placeholders}`, e.g.
    /// "POST https://api.github.com/repos/{owner}/{repo}/hooks".
    #[arg(long, value_name = "METHOD URL")]
    pub subscribe: String,
    /// Sample subscribe request body (JSON file).
    #[arg(long, value_name = "FILE")]
    pub body: PathBuf,
    /// Status of the sample subscribe answer.
    #[arg(long, default_value_t = 201)]
    pub answer_status: u16,
    /// A header of the sample answer, `Name: value` (repeatable), e.g. its `Location`.
    #[arg(long = "answer-header", value_name = "NAME: VALUE")]
    pub answer_headers: Vec<String>,
    /// Sample subscribe answer body (JSON file).
    #[arg(long, value_name = "FILE")]
    pub answer: Option<PathBuf>,
    /// JSON pointer of the callback URL field in the body, e.g. `/config/url` (default: the
    /// body's only URL-looking field, with a warning).
    #[arg(long, value_name = "POINTER")]
    pub callback: Option<String>,
    /// Sample notification (JSON file; repeatable; an array sample means a batch trigger).
    #[arg(long = "notification", value_name = "FILE", required = true)]
    pub notifications: Vec<PathBuf>,
    /// The unsubscribe request, `DELETE URL`, for an answer without `Location`.
    #[arg(long, value_name = "METHOD URL", requires = "unsubscribe_id")]
    pub unsubscribe: Option<String>,
    /// JSON pointer into the answer body giving the id the unsubscribe URL needs.
    #[arg(long, value_name = "POINTER", requires = "unsubscribe")]
    pub unsubscribe_id: Option<String>,
    /// Security: `basic`, `bearer`, `api-key-header:NAME` or `api-key-query:NAME`.
    #[arg(long, value_parser = parse_security)]
    pub security: Option<Security>,
    /// `info.title` of a new spec (default: the API host).
    #[arg(long)]
    pub title: Option<String>,
    /// The spec to write; appended to when it exists.
    #[arg(short = 'o', long = "output", value_name = "SPEC")]
    pub output: PathBuf,
}

fn parse_security(text: &str) -> Result<Security, String> {
    match text.split_once(':') {
        None if text == "basic" => Ok(Security::Basic),
        None if text == "bearer" => Ok(Security::Bearer),
        Some(("api-key-header", name)) if !name.is_empty() => {
            Ok(Security::ApiKeyHeader(name.to_string()))
        }
        Some(("api-key-query", name)) if !name.is_empty() => {
            Ok(Security::ApiKeyQuery(name.to_string()))
        }
        _ => Err(format!(
            "`{text}`: expected basic, bearer, api-key-header:NAME or api-key-query:NAME"
        )),
    }
}

impl NewArgs {
    /// The library form of these arguments.
    pub fn definition(&self) -> Result<TriggerDefinition> {
        let mut answer = Answer::new(self.answer_status, self.answer.clone());
        for text in &self.answer_headers {
            let (name, value) = header(text)?;
            answer = answer.with_header(name, value);
        }
        let mut definition = TriggerDefinition::new(
            &self.name,
            &self.summary,
            &self.subscribe,
            &self.body,
            answer,
            self.notifications.clone(),
        );
        definition.callback = self.callback.clone();
        definition.security = self.security.clone();
        definition.title = self.title.clone();
        if let (Some(request), Some(id)) = (&self.unsubscribe, &self.unsubscribe_id) {
            definition = definition.with_unsubscribe(request, id);
        }
        Ok(definition)
    }
}

/// Run `trigger …`: warnings and the outcome on stderr.
pub fn run(args: &TriggerArgs) -> Result<()> {
    match &args.command {
        TriggerCommand::New(new) => {
            let definition = new.definition()?;
            let appending = new.output.exists();
            let built = definition.write_to(&new.output)?;
            for warning in &built.warnings {
                eprintln!("warning: {warning}");
            }
            eprintln!(
                "{} trigger {} {} {}",
                if appending { "appended" } else { "wrote" },
                definition.name,
                if appending { "to" } else { "in" },
                new.output.display()
            );
            Ok(())
        }
    }
}

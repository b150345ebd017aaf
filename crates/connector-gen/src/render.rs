//! Templates: built in (compiled into the binary from the crate's `templates/`; the workspace's top-level `templates/` links to it), each
//! overridable by a file of the same name in a user directory.

use crate::context::CrateContext;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// One output file and the template that renders it.
pub struct TemplateFile {
    /// Template name (file name in `templates/`).
    pub name: &'static str,
    /// Path of the output, relative to the crate root.
    pub output: &'static str,
    /// Built-in text.
    pub builtin: &'static str,
}

/// Every template, in output order.
pub const TEMPLATES: &[TemplateFile] = &[
    TemplateFile {
        name: "Cargo.toml.tera",
        output: "Cargo.toml",
        builtin: include_str!("../templates/Cargo.toml.tera"),
    },
    TemplateFile {
        name: "README.md.tera",
        output: "README.md",
        builtin: include_str!("../templates/README.md.tera"),
    },
    TemplateFile {
        name: "lib.rs.tera",
        output: "src/lib.rs",
        builtin: include_str!("../templates/lib.rs.tera"),
    },
    TemplateFile {
        name: "models.rs.tera",
        output: "src/models.rs",
        builtin: include_str!("../templates/models.rs.tera"),
    },
    TemplateFile {
        name: "client.rs.tera",
        output: "src/client.rs",
        builtin: include_str!("../templates/client.rs.tera"),
    },
    TemplateFile {
        name: "triggers.rs.tera",
        output: "src/triggers.rs",
        builtin: include_str!("../templates/triggers.rs.tera"),
    },
];

/// A rendered file, not yet formatted.
pub struct Rendered {
    /// The template it came from.
    pub template: &'static str,
    /// Output path relative to the crate root.
    pub output: PathBuf,
    /// Text.
    pub text: String,
}

/// Render every template with `context`; `overrides` is a directory whose files replace
/// built-in templates of the same name; `spec` names the spec in errors.
pub fn render(
    context: &CrateContext,
    overrides: Option<&Path>,
    spec: &str,
) -> Result<Vec<Rendered>> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(Vec::new());
    for template in TEMPLATES {
        let text = match overrides
            .map(|dir| dir.join(template.name))
            .filter(|p| p.is_file())
        {
            Some(path) => {
                std::fs::read_to_string(&path).map_err(|source| Error::Io { path, source })?
            }
            None => template.builtin.to_owned(),
        };
        tera.add_raw_template(template.name, &text)
            .map_err(|e| template_error(template.name, spec, &e))?;
    }
    let tera_context = tera::Context::from_serialize(context)
        .map_err(|e| template_error("(context)", spec, &e))?;
    TEMPLATES
        .iter()
        .map(|template| {
            let text = tera
                .render(template.name, &tera_context)
                .map_err(|e| template_error(template.name, spec, &e))?;
            Ok(Rendered {
                template: template.name,
                output: PathBuf::from(template.output),
                text,
            })
        })
        .collect()
}

/// Tera errors carry their detail in the source chain.
fn template_error(template: &str, spec: &str, error: &tera::Error) -> Error {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::Template {
        template: template.to_owned(),
        spec: spec.to_owned(),
        message,
    }
}

//! The subcommands about Gatehouse itself: `completions SHELL` and the hidden `manpage`, both
//! generated from the clap definition. They need no AWS, no display and no config folders, so the
//! packaging can run them on the release binary.

use super::common::{EXIT_ERROR, EXIT_OK};
use clap::Subcommand;
use clap_complete::Shell;
use clap_mangen::roff::{bold, roman, Roff};
use clap_mangen::Man;
use std::io::Write;

#[derive(Subcommand, Debug)]
pub enum Meta {
    /// Print the completion script for a shell (bash, zsh, fish, powershell or elvish).
    #[command(after_help = "Examples (install, then open a new shell):
  gatehouse completions bash > ~/.local/share/bash-completion/completions/gatehouse
  gatehouse completions zsh > ~/.zfunc/_gatehouse    # with fpath+=(~/.zfunc) before compinit in ~/.zshrc
  gatehouse completions fish > ~/.config/fish/completions/gatehouse.fish
  gatehouse completions powershell >> $PROFILE
  gatehouse completions elvish >> ~/.config/elvish/rc.elv")]
    Completions {
        /// The shell to print the script for.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff, section 1): every subcommand on one page.
    #[command(
        hide = true,
        after_help = "Examples:\n  gatehouse manpage > gatehouse.1 && man -l gatehouse.1\n  gatehouse manpage | gzip -9n > /usr/share/man/man1/gatehouse.1.gz"
    )]
    Manpage,
}

/// Runs `completions` or `manpage` over the command line's definition; returns the exit status.
pub(super) fn run(meta: Meta, cli: clap::Command, version: &'static str) -> i32 {
    let text = match meta {
        Meta::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut visible(&cli, version), "gatehouse", &mut script);
            script
        }
        Meta::Manpage => manpage(cli).into_bytes(),
    };
    // Not through out.rs: a page cut short by a full disk must fail the packaging's build.
    match std::io::stdout().lock().write_all(&text) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            eoutln!("gatehouse: cannot write to stdout: {e}");
            EXIT_ERROR
        }
    }
}

/// The command line as completion offers it: its hidden subcommands (`manpage`, for the
/// packaging) left out, which clap_complete's scripts would otherwise offer.
fn visible(cli: &clap::Command, version: &'static str) -> clap::Command {
    let mut root = clap::Command::new("gatehouse").version(version);
    for arg in cli.get_arguments() {
        root = root.arg(arg.clone());
    }
    for sub in cli.get_subcommands().filter(|s| !s.is_hide_set()) {
        root = root.subcommand(sub.clone());
    }
    root
}

/// One page, gatehouse.1: the root's name, synopsis, description and options, then a SUBCOMMANDS
/// section with each visible subcommand's description, usage, options and examples, then the
/// root's examples and exit status.
fn manpage(mut cli: clap::Command) -> String {
    cli.build();
    let man = Man::new(cli.clone());
    // Every fragment starts with roff's apostrophe preamble; the page has it once, after .TH.
    let preamble = Roff::new().render();
    let fragment = |render: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut out = Vec::new();
        render(&mut out).expect("writing to a Vec cannot fail");
        let text = String::from_utf8(out).expect("roff from UTF-8 text is UTF-8");
        text.strip_prefix(&preamble).unwrap_or(&text).to_string()
    };

    // Not man.render_title: it drops the empty date, and .TH then reads the source as the date.
    let source = format!("gatehouse {}", cli.get_version().unwrap_or_default());
    let mut page = format!(".TH GATEHOUSE 1 \"\" \"{source}\" \"User Commands\"\n");
    page.push_str(&preamble);
    page.push_str(&fragment(&|w| man.render_name_section(w)));
    page.push_str(&fragment(&|w| man.render_synopsis_section(w)));
    page.push_str(&fragment(&|w| man.render_description_section(w)));
    page.push_str(&fragment(&|w| man.render_options_section(w)));

    let mut subcommands = Roff::new();
    subcommands.control("SH", ["SUBCOMMANDS"]);
    page.push_str(&subcommands.to_roff());
    for sub in cli
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let name = sub.get_bin_name().unwrap_or(sub.get_name()).to_string();
        let sub_man = Man::new(sub.clone());
        let mut head = Roff::new();
        head.control("SS", [name.as_str()]);
        page.push_str(&head.to_roff());
        page.push_str(&demoted(&fragment(&|w| {
            sub_man.render_description_section(w)
        })));
        page.push_str(&demoted(&fragment(&|w| sub_man.render_synopsis_section(w))));
        page.push_str(&demoted(&fragment(&|w| sub_man.render_options_section(w))));
        if let Some(after) = sub.get_after_long_help().or(sub.get_after_help()) {
            page.push_str(&after_help(&after.to_string(), false));
        }
    }

    if let Some(after) = cli.get_after_long_help().or(cli.get_after_help()) {
        page.push_str(&after_help(&after.to_string(), true));
    }
    page.push_str(&fragment(&|w| man.render_version_section(w)));
    page
}

/// A subcommand's sections inside its .SS: each `.SH NAME` becomes a bold "Name:" paragraph.
fn demoted(roff: &str) -> String {
    roff.lines()
        .map(|line| match line.strip_prefix(".SH ") {
            Some(heading) => {
                let heading = heading.trim_matches('"');
                let label = match heading {
                    "SYNOPSIS" => "Usage:".to_string(),
                    "DESCRIPTION" => return String::new(),
                    other => {
                        let mut chars = other.chars();
                        let first = chars.next().map(String::from).unwrap_or_default();
                        format!("{first}{}:", chars.as_str().to_lowercase())
                    }
                };
                let mut para = Roff::new();
                para.control("PP", []).text([bold(label)]).control("br", []);
                para.to_roff()
            }
            None => format!("{line}\n"),
        })
        .collect()
}

/// Help text after the options ("Examples:" and its indented lines) as roff: at the top a heading
/// is a section (EXAMPLES), inside a subcommand a bold paragraph; indented lines keep their lines.
fn after_help(text: &str, top: bool) -> String {
    let mut roff = Roff::new();
    let mut block: Vec<&str> = Vec::new();
    let flush = |roff: &mut Roff, block: &mut Vec<&str>| {
        if block.is_empty() {
            return;
        }
        let indent = block
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        roff.control("RS", ["4"]).control("nf", []);
        for line in block.drain(..) {
            roff.text([roman(line.get(indent..).unwrap_or("").trim_end())]);
        }
        roff.control("fi", []).control("RE", []);
    };
    for line in text.lines() {
        if line.starts_with(char::is_whitespace) {
            block.push(line);
            continue;
        }
        flush(&mut roff, &mut block);
        if line.trim().is_empty() {
            continue;
        }
        match line.strip_suffix(':') {
            Some(heading) if top => roff.control("SH", [heading.to_uppercase().as_str()]),
            Some(_) => roff.control("PP", []).text([bold(line)]),
            None => roff.control("PP", []).text([roman(line)]),
        };
    }
    flush(&mut roff, &mut block);
    roff.to_roff()
}

//! Shared by the model builders' unit tests: a small two-region scenario and
//! a build of it with extra text appended, with its diagnostics rendered.

use crate::Model;
use crate::diag::{Diagnostics, Sources};
use crate::load::build_from_tree;
use crate::value::parse_toml;

/// Two regions, two actors (gov with an army and an air group, isis with
/// fighters).
pub(crate) const TWO_REGIONS: &str = "[scenario]\nname = \"p\"\nstart = 2015-01-01\nticks = 2\n\
    [identities.p]\n\
    [regions.a]\nposition = [44.0, 33.0]\nneighbours = [\"b\"]\ncontrol = \"gov\"\n\
    [regions.b]\nposition = [44.1, 33.0]\ncontrol = \"isis\"\n\
    [actors.gov]\nhostile = [\"isis\"]\n[actors.isis]\n\
    [forces.army]\nactor = \"gov\"\nkind = \"army\"\npersonnel = { a = 1000 }\n\
    [forces.jets]\nactor = \"gov\"\nkind = \"air\"\npersonnel = { a = 10 }\n\
    [forces.fighters]\nactor = \"isis\"\nkind = \"insurgent\"\npersonnel = { b = 100 }\n";

/// The model of [`TWO_REGIONS`] with `extra` appended, registered as `file`,
/// or the rendered diagnostics.
pub(crate) fn build(file: &str, extra: &str) -> Result<Model, String> {
    let text = format!("{TWO_REGIONS}{extra}");
    let mut sources = Sources::new();
    let mut d = Diagnostics::default();
    let f = sources.add(file.into(), text.clone(), None);
    let Some(tree) = parse_toml(&text, f, &mut d) else {
        return Err(d.render(&sources, false));
    };
    build_from_tree(&tree, &sources).map_err(|d| d.render(&sources, false))
}

//! The text twin of a canvas: the figures a view draws as pixels, also as page text, for
//! screen readers, find-in-page and tests. The twin is the element the canvas's
//! `aria-describedby` names (in the same panel); the view sets its text when it draws, so it
//! changes at the view's own calm rate (the readouts: 4 times a second).

use web_sys::{Element, HtmlCanvasElement};

/// The element describing one canvas, and the text it holds.
pub(crate) struct TextTwin {
    el: Option<Element>,
    text: String,
}

impl TextTwin {
    /// The twin of `canvas`, found in its panel; a canvas without one gets a twin that
    /// writes nowhere (a view must draw whatever DOM it is mounted in).
    pub fn of(canvas: &HtmlCanvasElement) -> Self {
        let el = canvas.get_attribute("aria-describedby").and_then(|id| {
            let scope = canvas.closest("section").ok().flatten().or_else(|| canvas.parent_element())?;
            scope.query_selector(&format!("#{id}")).ok().flatten()
        });
        TextTwin { el, text: String::new() }
    }

    /// Sets the twin's text; the DOM is touched only when it changed.
    pub fn set(&mut self, text: &str) {
        if self.text != text {
            self.text.clear();
            self.text.push_str(text);
            if let Some(el) = &self.el {
                el.set_text_content(Some(text));
            }
        }
    }
}

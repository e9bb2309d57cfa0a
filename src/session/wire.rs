//! A flat list of f64 numbers as a message format, for snapshots sent every frame: the weights
//! at 400 units × 16×16 are 200 000 numbers, which as JSON text would take longer to write
//! and parse than a frame lasts, and NaN (a cost not measured) has no JSON spelling. Every
//! f32, every step count below 2⁵³ and every small integer is exact in an f64.

/// Appends values to a message.
#[derive(Default)]
pub struct Writer {
    data: Vec<f64>,
}

impl Writer {
    pub fn num(&mut self, v: f64) {
        self.data.push(v);
    }

    pub fn count(&mut self, n: usize) {
        self.data.push(n as f64);
    }

    pub fn flag(&mut self, b: bool) {
        self.data.push(f64::from(u8::from(b)));
    }

    /// A length, then the values.
    pub fn floats(&mut self, values: &[f32]) {
        self.count(values.len());
        self.data.extend(values.iter().map(|&v| f64::from(v)));
    }

    /// A length, then the UTF-8 bytes.
    pub fn text(&mut self, s: &str) {
        self.count(s.len());
        self.data.extend(s.bytes().map(f64::from));
    }

    /// The message.
    pub fn finish(self) -> Vec<f64> {
        self.data
    }
}

/// Reads values back in the order they were written; a short or malformed message is an
/// error, never a panic.
pub struct Reader<'a> {
    data: &'a [f64],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [f64]) -> Self {
        Reader { data, at: 0 }
    }

    pub fn num(&mut self) -> Result<f64, String> {
        let v = self.data.get(self.at).copied().ok_or("the message ended early")?;
        self.at += 1;
        Ok(v)
    }

    /// A whole number up to `max`.
    pub fn count(&mut self, max: usize) -> Result<usize, String> {
        let v = self.num()?;
        if v >= 0.0 && v.fract() == 0.0 && v <= max as f64 {
            Ok(v as usize)
        } else {
            Err(format!("the message has {v} where a count up to {max} belongs"))
        }
    }

    pub fn step(&mut self) -> Result<u64, String> {
        let v = self.num()?;
        if v >= 0.0 && v.fract() == 0.0 && v < 2f64.powi(53) {
            Ok(v as u64)
        } else {
            Err(format!("the message has {v} where a step count belongs"))
        }
    }

    pub fn flag(&mut self) -> Result<bool, String> {
        Ok(self.count(1)? == 1)
    }

    pub fn floats(&mut self) -> Result<Vec<f32>, String> {
        let n = self.count(self.data.len() - self.at.min(self.data.len()))?;
        let v = self.data[self.at..self.at + n].iter().map(|&x| x as f32).collect();
        self.at += n;
        Ok(v)
    }

    pub fn text(&mut self) -> Result<String, String> {
        let n = self.count(self.data.len() - self.at.min(self.data.len()))?;
        let bytes: Result<Vec<u8>, String> =
            self.data[self.at..self.at + n]
                .iter()
                .map(|&b| {
                    if (0.0..=255.0).contains(&b) && b.fract() == 0.0 {
                        Ok(b as u8)
                    } else {
                        Err("a bad byte".into())
                    }
                })
                .collect();
        self.at += n;
        String::from_utf8(bytes?).map_err(|_| "the message has text that is not UTF-8".into())
    }

    /// Whether every value was read.
    pub fn done(&self) -> bool {
        self.at == self.data.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_as_written_and_short_messages_are_errors() {
        let mut w = Writer::default();
        w.num(f64::NAN);
        w.count(7);
        w.flag(true);
        w.floats(&[1.5, -0.25, f32::MAX]);
        w.text("ρ̂ ok");
        let data = w.finish();
        let mut r = Reader::new(&data);
        assert!(r.num().unwrap().is_nan());
        assert_eq!((r.count(10).unwrap(), r.flag().unwrap()), (7, true));
        assert_eq!(r.floats().unwrap(), vec![1.5, -0.25, f32::MAX]);
        assert_eq!(r.text().unwrap(), "ρ̂ ok");
        assert!(r.done());
        assert!(r.num().is_err());
        let mut short = Reader::new(&data[..4]);
        short.num().unwrap();
        short.count(10).unwrap();
        short.flag().unwrap();
        assert!(short.floats().is_err(), "a length past the end");
        assert!(Reader::new(&[2.5]).count(10).is_err());
        assert!(Reader::new(&[-1.0]).step().is_err());
    }
}

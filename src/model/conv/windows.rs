//! The geometry both passes of the convolutional autoencoder share (the dense one in
//! [`super::maps`], the sparse one in [`super::sparse`]): where a k×k kernel fits in a frame.

/// A valid k×k cross-correlation over `w`×`h` frames (a padded image).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Windows {
    /// Frame width.
    pub w: usize,
    /// Frame height.
    pub h: usize,
    /// Kernel side.
    pub k: usize,
}

impl Windows {
    /// Positions across (w − k + 1).
    pub fn qw(&self) -> usize {
        self.w + 1 - self.k
    }

    /// Positions down (h − k + 1).
    pub fn qh(&self) -> usize {
        self.h + 1 - self.k
    }

    /// Positions per frame.
    pub fn positions(&self) -> usize {
        self.qw() * self.qh()
    }

    /// Pixels per frame.
    pub fn pixels(&self) -> usize {
        self.w * self.h
    }
}

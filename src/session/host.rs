//! Where a session lives: the pictures it trains on, the user's own pictures, and the
//! [`Command`]s that change it. The page's main thread and its Web Worker each hold one and
//! apply the same commands in the same order, so both build the same session (same seeds,
//! same initial weights); only one of them trains, and the other mirrors it from snapshots
//! (see [`super::snapshot`]).

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::Session;
use crate::data::{prepare, Dataset, Image, PatchSampler};
use crate::readouts::HeldOut;
use crate::state::{from_hash, saved, to_hash, Params};
use crate::train::Trainer;

/// Seed of the built-in image (fixed: the training seed varies weights and patch order).
const IMAGE_SEED: u64 = 1;
/// Seed of the built-in held-out image: same dataset, never trained on.
const HELD_OUT_IMAGE_SEED: u64 = 7;
/// Held-out patches (never trained on: cut from a second image).
const HELD_OUT_COUNT: usize = 1024;

/// What the page asks of the session. Settings travel as the page's own link text, the one
/// format every setting already round-trips through exactly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// A new session for these settings, playing if `play`, from new random weights or, with
    /// `saved`, lane 0 from a saved model file's weights and step count. `own` carries the
    /// user's pictures when they are new since the last command that did.
    Build {
        link: String,
        own: Option<OwnPictures>,
        play: bool,
        saved: Option<String>,
    },
    /// New pictures of the user's own (camera frames) that training on the user's pictures
    /// continues on, without a restart.
    Frames(OwnPictures),
    /// Live settings (ρ, β, λ, learning rate, knobs, noise, optimiser, pacing).
    Live {
        link: String,
    },
    Play,
    /// Pause, as of the moment the user asked (ms since the epoch, `performance.timeOrigin +
    /// performance.now()`: the worker's clock has another origin). See [`Session::pause_at`].
    Pause {
        at: f64,
    },
    /// Step (→): pause, and train this many steps more.
    Steps(u32),
    /// The readouts follow this lane.
    Follow(usize),
    /// The readouts send this unit's top patches.
    Select(usize),
}

/// The user's pictures in grey (not whitened), numbered by upload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnPictures {
    pub generation: u32,
    pub images: Vec<(usize, usize, Vec<f32>)>,
}

impl OwnPictures {
    /// Upload `generation` of `images`.
    pub fn new(generation: u32, images: &[Image]) -> Self {
        OwnPictures { generation, images: images.iter().map(|i| (i.width, i.height, i.pixels.clone())).collect() }
    }

    fn into_images(self) -> Vec<Image> {
        self.images.into_iter().map(|(width, height, pixels)| Image { width, height, pixels }).collect()
    }
}

impl Command {
    /// [`Command::Build`] for `params`, from new random weights.
    pub fn build(params: &Params, own: Option<OwnPictures>, play: bool) -> Self {
        Command::Build { link: to_hash(params), own, play, saved: None }
    }

    /// [`Command::Live`] for `params`.
    pub fn live(params: &Params) -> Self {
        Command::Live { link: to_hash(params) }
    }
}

/// Training and held-out pictures for one choice of dataset and whitening. Shared, not
/// copied, by a reset (and by the two roles, for the user's own pictures).
#[derive(Clone, Debug)]
pub struct Pictures {
    /// What they were made for (see [`pictures_key`]).
    key: PicturesKey,
    pub train: Rc<[Image]>,
    pub held_out: Rc<[Image]>,
}

/// Dataset, whitening and, for the user's pictures, which upload: regenerating a 512² image
/// and whitening it takes a moment, so pictures with the same key are reused.
type PicturesKey = (Dataset, bool, u32);

fn pictures_key(p: &Params, own_generation: u32) -> PicturesKey {
    (p.data, p.whiten, if p.data == Dataset::Own { own_generation } else { 0 })
}

/// The pictures for `p`: a built-in set from its seeds, or the user's (then the held-out
/// patches come from the same pictures, as there is no second set).
fn pictures_for(p: &Params, own: &[Image], generation: u32) -> Result<Pictures, String> {
    let key = pictures_key(p, generation);
    match (p.data.builtin(IMAGE_SEED, p.whiten), p.data.held_out(HELD_OUT_IMAGE_SEED, p.whiten)) {
        (Some(train), Some(held_out)) => Ok(Pictures { key, train: train.into(), held_out: held_out.into() }),
        _ if own.is_empty() => Err("no pictures of your own are loaded (use “Use your own pictures…”)".into()),
        _ => {
            let train: Rc<[Image]> = prepare(own, p.whiten).into();
            Ok(Pictures { key, held_out: train.clone(), train })
        }
    }
}

/// A session, its settings and its pictures: see the module docs.
pub struct Host {
    session: Session,
    data: Pictures,
    own: Vec<Image>,
    own_generation: u32,
}

impl Host {
    /// A paused session for `params`, with no pictures of the user's own yet.
    pub fn new(params: &Params) -> Result<Self, String> {
        let data = pictures_for(params, &[], 0)?;
        let session = build_session(params, &data)?;
        Ok(Host { session, data, own: Vec::new(), own_generation: 0 })
    }

    /// Applies `command`. On an error nothing changed, and the error says why in a sentence.
    pub fn apply(&mut self, command: Command) -> Result<(), String> {
        if !matches!(command, Command::Pause { .. }) {
            self.session.forget_undo();
        }
        match command {
            Command::Build { link, own, play, saved } => {
                let (params, _) = from_hash(&link);
                let own = own.map(|o| (o.generation, o.into_images()));
                let (generation, images) = match &own {
                    Some((g, images)) => (*g, images.as_slice()),
                    None => (self.own_generation, self.own.as_slice()),
                };
                let data = if self.data.key == pictures_key(&params, generation) {
                    self.data.clone()
                } else {
                    pictures_for(&params, images, generation)?
                };
                let mut session = build_session(&params, &data)?;
                if let Some(text) = saved {
                    let (_, steps, model) = saved::load(&text).map_err(|e| e.to_string())?;
                    session.trainer_mut().restore(model, steps)?;
                }
                if play {
                    session.play();
                }
                if let Some((g, images)) = own {
                    (self.own_generation, self.own) = (g, images);
                }
                (self.session, self.data) = (session, data);
            }
            Command::Frames(own) => {
                let (dataset, whiten, _) = self.data.key;
                if dataset != Dataset::Own {
                    return Err("new frames came while training is not on your pictures".into());
                }
                let generation = own.generation;
                let images = own.into_images();
                let train: Rc<[Image]> = prepare(&images, whiten).into();
                self.session.set_images(train.to_vec())?;
                self.data =
                    Pictures { key: (dataset, whiten, generation), held_out: self.data.held_out.clone(), train };
                (self.own, self.own_generation) = (images, generation);
            }
            Command::Live { link } => self.session.apply_live(&from_hash(&link).0)?,
            Command::Play => self.session.play(),
            Command::Pause { at } => {
                self.session.pause_at(at);
            }
            Command::Steps(n) => self.session.request_steps(n),
            Command::Follow(lane) => self.session.follow(lane),
            Command::Select(unit) => self.session.select(unit),
        }
        Ok(())
    }

    /// The session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The session, mutable.
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    /// The pictures it trains on and the held-out ones.
    pub fn pictures(&self) -> &Pictures {
        &self.data
    }

    /// The user's pictures (grey, as uploaded) and their upload number.
    pub fn own(&self) -> (&[Image], u32) {
        (&self.own, self.own_generation)
    }
}

/// A paused session for `params` on `data`, paced as `params` say.
fn build_session(params: &Params, data: &Pictures) -> Result<Session, String> {
    let valid = params.hyper().validate().map_err(|e| e.to_string())?;
    let trainer = Trainer::with_lanes(params.setup(), valid, &params.lanes(), data.train.to_vec())?;
    // the diagram's patches come from their own stream, so showing them does not change
    // which patches training sees (a seed must reproduce a run exactly)
    let display = PatchSampler::new(data.train.to_vec(), params.patch, params.seed ^ 0x0D15_B1A7)?;
    let held_out = HeldOut::new(&data.held_out, params.patch, trainer.sampler().sigma(), HELD_OUT_COUNT, params.seed)?;
    let mut session = Session::new(trainer, display, held_out);
    session.set_pacing(params.stop_after, params.step_ms);
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::natural_images;

    fn picture(seed: u64) -> Image {
        let mut img = natural_images(seed).remove(0);
        // a quarter of the built-in picture, the size of a camera frame
        let (w, h) = (img.width / 2, img.height / 2);
        img.pixels = (0..w * h).map(|i| img.pixels[(i / w) * img.width + i % w]).collect();
        (img.width, img.height) = (w, h);
        img
    }

    #[test]
    fn new_frames_continue_training_on_the_users_pictures_without_a_restart() {
        let params = Params { batch: 16, data: Dataset::Own, ..Params::default() };
        let mut host = Host::new(&Params { batch: 16, ..Params::default() }).unwrap();
        let first = OwnPictures::new(1, &[picture(2)]);
        host.apply(Command::build(&params, Some(first), false)).unwrap();
        host.apply(Command::Steps(3)).unwrap();
        host.session_mut().tick(0.0, &mut || 0.0, 10.0);
        let before = host.pictures().train[0].clone();
        host.apply(Command::Frames(OwnPictures::new(2, &[picture(3), picture(4)]))).unwrap();
        assert_eq!(host.session().trainer().steps(), 3, "the model trains on");
        assert_eq!((host.own().0.len(), host.own().1, host.pictures().train.len()), (2, 2, 2));
        assert_ne!(host.pictures().train[0], before);
        assert_eq!(host.session().trainer().sampler().images(), &host.pictures().train[..]);
        host.apply(Command::Steps(2)).unwrap();
        host.session_mut().tick(1.0, &mut || 0.0, 10.0);
        assert_eq!(host.session().trainer().steps(), 5);
    }

    #[test]
    fn frames_are_refused_unless_training_is_on_the_users_pictures_and_nothing_changes() {
        let mut host = Host::new(&Params { batch: 16, ..Params::default() }).unwrap();
        let before = host.pictures().train.clone();
        assert!(host.apply(Command::Frames(OwnPictures::new(1, &[picture(3)]))).is_err());
        assert!(Rc::ptr_eq(&before, &host.pictures().train));
        let params = Params { batch: 16, data: Dataset::Own, ..Params::default() };
        host.apply(Command::build(&params, Some(OwnPictures::new(1, &[picture(2)])), false)).unwrap();
        let tiny = Image { width: 4, height: 4, pixels: vec![0.5; 16] };
        assert!(host.apply(Command::Frames(OwnPictures::new(2, &[tiny]))).is_err(), "smaller than a patch");
        assert_eq!(host.own().1, 1, "the pictures in use stay");
    }
}

//! Property tests: the sans-IO decoders never panic on arbitrary bytes, and what they accept
//! round-trips. (The gateway parses these from untrusted peers.)

use hoopctl::gateway::proxy::postgres::codec::{
    self, CodecError, MAX_FRONTEND_MESSAGE, Startup, decode_startup, frame_len, parse_frontend,
};
use hoopctl::proto::preamble::Preamble;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn startup_decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(Some((_, used))) = decode_startup(&bytes) {
            prop_assert!(used <= bytes.len() && used >= 8);
        }
    }

    #[test]
    fn frame_decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(Some(n)) = frame_len(&bytes, MAX_FRONTEND_MESSAGE) {
            prop_assert!(n >= 5 && n <= bytes.len());
            let msg = &bytes[..n];
            let _ = parse_frontend(msg);
            let _ = codec::error_fields(msg);
            let _ = codec::command_rows(msg);
        }
    }

    #[test]
    fn typed_messages_round_trip(tag in prop::sample::select(vec![b'Q', b'P', b'B', b'E', b'C', b'F', b'S', b'd']),
                                 body in proptest::collection::vec(any::<u8>(), 0..200),
                                 split in 0usize..210) {
        let mut msg = vec![tag];
        msg.extend_from_slice(&((body.len() + 4) as i32).to_be_bytes());
        msg.extend_from_slice(&body);
        let cut = split.min(msg.len());
        // A prefix is "need more", never an error; the whole is exactly one frame.
        if cut < msg.len() {
            prop_assert_eq!(frame_len(&msg[..cut], MAX_FRONTEND_MESSAGE), Ok(None));
        }
        prop_assert_eq!(frame_len(&msg, MAX_FRONTEND_MESSAGE), Ok(Some(msg.len())));
        let _ = parse_frontend(&msg);
    }

    #[test]
    fn startup_messages_round_trip(params in proptest::collection::vec(("[a-z_]{1,12}", "[ -~&&[^\0]]{0,20}"), 0..6)) {
        let refs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let wire = codec::startup_message(&refs);
        match decode_startup(&wire) {
            Ok(Some((Startup::Startup { minor: 0, params: got }, used))) => {
                prop_assert_eq!(used, wire.len());
                prop_assert_eq!(got, params);
            }
            other => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn preamble_decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
        let _ = Preamble::decode(&bytes);
        let mut framed = b"HOOP\x01".to_vec();
        framed.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
        framed.extend_from_slice(&bytes);
        let _ = Preamble::decode(&framed);
    }

    #[test]
    fn preambles_round_trip(grant in "[a-zA-Z0-9_-]{1,40}", connection in "[a-z0-9._@-]{1,64}") {
        let p = Preamble { grant, connection };
        let wire = p.encode();
        prop_assert_eq!(Preamble::decode(&wire), Ok(Some((p, wire.len()))));
    }
}

#[test]
fn oversized_lengths_are_errors_not_allocations() {
    assert_eq!(
        frame_len(b"Q\x7f\xff\xff\xff", MAX_FRONTEND_MESSAGE),
        Err(CodecError::TooLarge(0x8000_0000))
    );
}

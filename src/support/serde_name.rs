//! The name serde gives a unit enum variant (`rename`, `rename_all`), as a
//! `&'static str`: the one table of a state's names is its serde
//! attributes, which JSON, YAML and the schemas already read.

use serde::ser::{self, Impossible, Serialize, Serializer};

/// `value`'s serde name. For enums of unit variants only: anything else is
/// a programming error and panics, which the enums' tests would show.
pub fn of<T: Serialize>(value: &T) -> &'static str {
    match value.serialize(NameOnly) {
        Ok(name) => name,
        Err(NotAUnitVariant) => panic!("serde_name::of takes unit enum variants only"),
    }
}

/// Refuses all but a unit variant, whose name it returns.
struct NameOnly;

#[derive(Debug)]
struct NotAUnitVariant;

impl std::fmt::Display for NotAUnitVariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a unit enum variant")
    }
}

impl std::error::Error for NotAUnitVariant {}

impl ser::Error for NotAUnitVariant {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        NotAUnitVariant
    }
}

/// Serializer methods that refuse their value.
macro_rules! refuse {
    ($($f:ident($($t:ty),*)),* $(,)?) => {$(
        fn $f(self, $(_: $t),*) -> Result<&'static str, NotAUnitVariant> {
            Err(NotAUnitVariant)
        }
    )*};
}

/// Serializer methods for compound values, which are refused.
macro_rules! refuse_compound {
    ($($f:ident($($t:ty),*) -> $ret:ident),* $(,)?) => {$(
        fn $f(self, $(_: $t),*) -> Result<Self::$ret, NotAUnitVariant> {
            Err(NotAUnitVariant)
        }
    )*};
}

impl Serializer for NameOnly {
    type Ok = &'static str;
    type Error = NotAUnitVariant;
    type SerializeSeq = Impossible<&'static str, NotAUnitVariant>;
    type SerializeTuple = Impossible<&'static str, NotAUnitVariant>;
    type SerializeTupleStruct = Impossible<&'static str, NotAUnitVariant>;
    type SerializeTupleVariant = Impossible<&'static str, NotAUnitVariant>;
    type SerializeMap = Impossible<&'static str, NotAUnitVariant>;
    type SerializeStruct = Impossible<&'static str, NotAUnitVariant>;
    type SerializeStructVariant = Impossible<&'static str, NotAUnitVariant>;

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<&'static str, NotAUnitVariant> {
        Ok(variant)
    }

    refuse!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
    );

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<&'static str, NotAUnitVariant> {
        Err(NotAUnitVariant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<&'static str, NotAUnitVariant> {
        Err(NotAUnitVariant)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<&'static str, NotAUnitVariant> {
        Err(NotAUnitVariant)
    }

    refuse_compound!(
        serialize_seq(Option<usize>) -> SerializeSeq,
        serialize_tuple(usize) -> SerializeTuple,
        serialize_tuple_struct(&'static str, usize) -> SerializeTupleStruct,
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> SerializeTupleVariant,
        serialize_map(Option<usize>) -> SerializeMap,
        serialize_struct(&'static str, usize) -> SerializeStruct,
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> SerializeStructVariant,
    );
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "kebab-case")]
    enum E {
        FailBuild,
        #[serde(rename = "odd")]
        Renamed,
    }

    #[test]
    fn names_are_serdes() {
        assert_eq!(super::of(&E::FailBuild), "fail-build");
        assert_eq!(super::of(&E::Renamed), "odd");
        assert_eq!(serde_json::to_value(E::Renamed).unwrap(), "odd");
    }

    #[test]
    #[should_panic(expected = "unit enum variants only")]
    fn other_values_are_a_programming_error() {
        super::of(&1u8);
    }
}

//! The registry of diagnostic codes. A code is never reused for another meaning.
//!
//! Ranges: `XP00xx` lexer, `XP01xx` parser, `XP02xx` TEXT format strings, `XP03xx` compile
//! (names, arity, taxonomy), `XP04xx` input and evaluation, `XP05xx` rule packages.

/// A stable diagnostic code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// A string literal is not closed before the end of the file.
    UnterminatedString,
    /// A character that starts no token.
    UnexpectedChar,
    /// A malformed `\u` escape in a string literal.
    InvalidEscape,
    /// An integer literal that does not fit 64 bits.
    NumberTooLarge,
    /// The parser expected something else here.
    Expected,
    /// A token that cannot start or continue a statement.
    UnexpectedToken,
    /// The formula has no `KIND = '…'` header.
    MissingHeader,
    /// `if`/`switch`/`subformula` block not closed.
    UnclosedBlock,
    /// A second `COND`, or a header after statements.
    MisplacedHeader,
    /// Assignment to something that is neither a field nor a variable.
    InvalidTarget,
    /// Expressions or blocks nested deeper than the parser allows.
    TooDeep,
    /// A `{` group of a TEXT template is not closed.
    UnterminatedGroup,
    /// An unknown token type inside a TEXT template group.
    UnknownTokenType,
    /// Wrong arguments of a TEXT token (`UNTIL` needs a delimiter, …).
    BadTokenArgs,
    /// A malformed header filter (`EventID="4624"`, `Key=Value`).
    BadHeaderFilter,
    /// A format string with more elements than the matcher accepts.
    TemplateTooLong,
    /// A call of a function XP does not have.
    UnknownFunction,
    /// A built-in called with the wrong number of arguments.
    WrongArity,
    /// `submessage` names a subformula that is not declared.
    UnknownSubformula,
    /// A field outside the taxonomy (warning; error with `--strict`).
    UnknownField,
    /// Assignment to a field whose value cannot take the field's type (dropped).
    FieldTypeMismatch,
    /// The raw event is not valid for the header kind (not JSON, not XML, …).
    InvalidInput,
    /// The raw event exceeds the size limit.
    InputTooLarge,
    /// Input nesting deeper than the limit.
    InputTooDeep,
    /// The TEXT matcher gave up after its step budget.
    MatchBudget,
    /// The event is empty.
    EmptyInput,
    /// A rule package misses a file or has an unreadable one.
    PackageFile,
    /// A test expectation (`norm_N.js`) is not a flat JSON object.
    BadExpectation,
}

impl Code {
    /// The code as printed, e.g. `XP0101`.
    pub fn as_str(self) -> &'static str {
        use Code::*;
        match self {
            UnterminatedString => "XP0001",
            UnexpectedChar => "XP0002",
            InvalidEscape => "XP0003",
            NumberTooLarge => "XP0004",
            Expected => "XP0101",
            UnexpectedToken => "XP0102",
            MissingHeader => "XP0103",
            UnclosedBlock => "XP0104",
            MisplacedHeader => "XP0105",
            InvalidTarget => "XP0106",
            TooDeep => "XP0107",
            UnterminatedGroup => "XP0201",
            UnknownTokenType => "XP0202",
            BadTokenArgs => "XP0203",
            BadHeaderFilter => "XP0204",
            TemplateTooLong => "XP0205",
            UnknownFunction => "XP0301",
            WrongArity => "XP0302",
            UnknownSubformula => "XP0303",
            UnknownField => "XP0304",
            FieldTypeMismatch => "XP0305",
            InvalidInput => "XP0401",
            InputTooLarge => "XP0402",
            InputTooDeep => "XP0403",
            MatchBudget => "XP0404",
            EmptyInput => "XP0405",
            PackageFile => "XP0501",
            BadExpectation => "XP0502",
        }
    }

    /// One line on what the code means (for the generated docs).
    pub fn summary(self) -> &'static str {
        use Code::*;
        match self {
            UnterminatedString => {
                "A string literal is not closed before the end of the line or file"
            }
            UnexpectedChar => "A character that starts no token",
            InvalidEscape => "An unknown backslash escape in a string literal",
            NumberTooLarge => "An integer literal that does not fit 64 bits",
            Expected => "The parser expected something else here",
            UnexpectedToken => "A token that cannot start or continue a statement",
            MissingHeader => "The formula has no `KIND = '…'` header",
            UnclosedBlock => "`if`/`switch`/`subformula` block not closed",
            MisplacedHeader => "A second `COND`, or a header after statements",
            InvalidTarget => "Assignment to something that is neither a field nor a variable",
            TooDeep => "Expressions or blocks nested deeper than the parser allows",
            UnterminatedGroup => "A `{` group of a TEXT template is not closed",
            UnknownTokenType => "An unknown token type inside a TEXT template group",
            BadTokenArgs => "Wrong arguments of a TEXT token (`UNTIL` needs a delimiter, …)",
            BadHeaderFilter => "A malformed header filter (`EventID=\"4624\"`, `Key=Value`)",
            TemplateTooLong => {
                "A TEXT format string with more elements than the matcher accepts (1,024)"
            }
            UnknownFunction => "A call of a function XP does not have",
            WrongArity => "A built-in called with the wrong number of arguments",
            UnknownSubformula => "`submessage` names a subformula that is not declared",
            UnknownField => "A field outside the taxonomy (warning; error with `--strict`)",
            FieldTypeMismatch => {
                "Assignment to a field whose value cannot take the field's type (dropped)"
            }
            InvalidInput => "The raw event is not valid for the header kind (not JSON, not XML, …)",
            InputTooLarge => "The raw event exceeds the size limit",
            InputTooDeep => "Input nesting deeper than the limit",
            MatchBudget => "The TEXT matcher gave up after its step budget",
            EmptyInput => "The event is empty",
            PackageFile => "A rule package misses a file or has an unreadable one",
            BadExpectation => "A test expectation (`norm_N.js`) is not a flat JSON object",
        }
    }

    /// Every code, in registry order (for the generated docs).
    pub fn all() -> &'static [Code] {
        use Code::*;
        &[
            UnterminatedString,
            UnexpectedChar,
            InvalidEscape,
            NumberTooLarge,
            Expected,
            UnexpectedToken,
            MissingHeader,
            UnclosedBlock,
            MisplacedHeader,
            InvalidTarget,
            TooDeep,
            UnterminatedGroup,
            UnknownTokenType,
            BadTokenArgs,
            BadHeaderFilter,
            TemplateTooLong,
            UnknownFunction,
            WrongArity,
            UnknownSubformula,
            UnknownField,
            FieldTypeMismatch,
            InvalidInput,
            InputTooLarge,
            InputTooDeep,
            MatchBudget,
            EmptyInput,
            PackageFile,
            BadExpectation,
        ]
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

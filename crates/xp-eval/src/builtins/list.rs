//! List built-ins and `coalesce`.

use std::sync::Arc;

use crate::value::Value;

/// `in_list(list, x)`.
pub fn in_list(a: &[Value]) -> Value {
    match &a[0] {
        Value::List(l) => Value::Bool(l.iter().any(|i| i.loose_eq(&a[1]))),
        Value::Null => Value::Bool(false),
        other => Value::Bool(other.loose_eq(&a[1])),
    }
}

/// `append(list, x)`: a new list; a null list starts empty.
pub fn append(a: &[Value]) -> Value {
    let mut l = match &a[0] {
        Value::List(l) => (**l).clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    };
    l.push(a[1].clone());
    Value::List(Arc::new(l))
}

/// `remove(list, x)`: drops every element equal to `x` (null too).
pub fn remove(a: &[Value]) -> Value {
    match &a[0] {
        Value::List(l) => Value::List(Arc::new(
            l.iter()
                .filter(|i| !(i.loose_eq(&a[1]) || (i.is_null() && a[1].is_null())))
                .cloned()
                .collect(),
        )),
        other => other.clone(),
    }
}

/// `is_list(x)`.
pub fn is_list(a: &[Value]) -> Value {
    Value::Bool(matches!(a[0], Value::List(_)))
}

/// `coalesce(a, b, …)`: the first non-null argument.
pub fn coalesce(a: &[Value]) -> Value {
    a.iter()
        .find(|v| !v.is_null())
        .cloned()
        .unwrap_or(Value::Null)
}

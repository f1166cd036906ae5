// Package jsonwire marshals JSON as the Confluent services' Jackson
// generators write it: strings escape quotes, backslashes and control
// characters only (jackson-core CharTypes.get7BitOutputEscapes), not the
// '<', '>' and '&' Go's encoding/json escapes by default for HTML.
package jsonwire

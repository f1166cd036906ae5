package formats

// DECIMAL in the PROTOBUF formats. ProtobufData (confluentinc/schema-registry
// v7.9.9 protobuf-converter/.../ProtobufData.java) writes a Connect Decimal
// as a confluent.type.Decimal field (confluent/type/decimal.proto: bytes
// value, uint32 precision, int32 scale) whose (confluent.field_meta)
// option carries the column's precision and scale as params; the message
// holds the value as DecimalUtils.fromBigDecimal makes it: the unscaled
// value's BigInteger.toByteArray (two's complement, big-endian, shortest)
// and the BigDecimal's own precision and scale. Reading, DecimalUtils.
// toBigDecimal rebuilds the BigDecimal and ksqlDB fits it to the column
// (DecimalUtil.ensureFit); inference reads the precision and scale back from
// the option.

import (
	"fmt"
	"math/big"
	"strconv"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

const protoDecimalType = "confluent.type.Decimal"

// fieldMetaNumber is the field number of the confluent.*_meta options
// (confluent/meta.proto).
const fieldMetaNumber = 1088

// protoDecimalOption is the (confluent.field_meta) option ProtobufData
// sets on a DECIMAL field, precision first (ProtobufSchema.toOption writes
// a precision or scale param value first).
func protoDecimalOption(t types.Type) string {
	return fmt.Sprintf(` [(confluent.field_meta) = { params: [{ value: "%d", key: "precision" }, { value: "%d", key: "scale" }] }]`, t.Precision, t.Scale)
}

// javaBigIntegerBytes is BigInteger.toByteArray: the two's-complement,
// big-endian bytes, as few as hold the sign bit.
func javaBigIntegerBytes(u *big.Int) []byte {
	n := (u.BitLen() / 8) + 1
	if u.Sign() < 0 {
		// the bit length of a negative value is that of -u-1
		m := new(big.Int).Neg(u)
		m.Sub(m, big.NewInt(1))
		n = m.BitLen()/8 + 1
	}
	out := make([]byte, n)
	v := new(big.Int).Set(u)
	if u.Sign() < 0 {
		v.Add(v, new(big.Int).Lsh(big.NewInt(1), uint(8*n)))
	}
	v.FillBytes(out)
	return out
}

// bigIntegerFromJava reads BigInteger(byte[]): two's complement, big-endian.
func bigIntegerFromJava(b []byte) *big.Int {
	u := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		u.Sub(u, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return u
}

// protoDecimalMessage is DecimalUtils.fromBigDecimal.
func protoDecimalMessage(fd protoreflect.FieldDescriptor, d types.Decimal) (protoreflect.Value, error) {
	md := fd.Message()
	if md == nil || md.FullName() != protoDecimalType {
		return protoreflect.Value{}, fmt.Errorf("a DECIMAL for the field %s", fd.Name())
	}
	m := dynamicpb.NewMessage(md)
	fs := md.Fields()
	m.Set(fs.ByNumber(1), protoreflect.ValueOfBytes(javaBigIntegerBytes(d.Unscaled)))
	m.Set(fs.ByNumber(2), protoreflect.ValueOfUint32(uint32(d.Precision())))
	m.Set(fs.ByNumber(3), protoreflect.ValueOfInt32(d.Scale))
	return protoreflect.ValueOfMessage(m), nil
}

// protoDecimalValue is DecimalUtils.toBigDecimal fitted to column type t.
func protoDecimalValue(m protoreflect.Message, t types.Type, path string) (any, error) {
	if t.Kind() != types.KindDecimal {
		return nil, fmt.Errorf("Cannot deserialize type decimal as type %s for path: %s", connectKindOf(t), path)
	}
	fs := m.Descriptor().Fields()
	var d types.Decimal
	d.Unscaled = new(big.Int)
	if f := fs.ByName("value"); f != nil {
		d.Unscaled = bigIntegerFromJava(m.Get(f).Bytes())
	}
	if f := fs.ByName("scale"); f != nil {
		d.Scale = int32(m.Get(f).Int())
	}
	out, err := types.EnsureFit(d, t)
	if err != nil {
		return nil, fmt.Errorf("%w for path: %s", err, path)
	}
	return out, nil
}

// protoDecimalColumnType is the column type of a confluent.type.Decimal field:
// the precision and scale params of its (confluent.field_meta) option
// (ProtobufData.toConnectSchema; a missing scale is 0).
func protoDecimalColumnType(fd protoreflect.FieldDescriptor) (types.Type, error) {
	params := protoFieldMetaParams(fd)
	p, err := strconv.Atoi(params["precision"])
	if err != nil {
		return types.Null, stmterr.Unsupported("inferring a DECIMAL without a precision from PROTOBUF field " + string(fd.Name()))
	}
	s, _ := strconv.Atoi(params["scale"])
	if p < 1 || s < 0 || s > p {
		return types.Null, stmterr.Bad("PROTOBUF field %s: DECIMAL(%d, %d) is not a valid DECIMAL type", fd.Name(), p, s)
	}
	if p > types.MaxDecimalPrecision {
		return types.Null, stmterr.Unsupported(fmt.Sprintf("DECIMAL precision above %d: DECIMAL(%d,%d)", types.MaxDecimalPrecision, p, s))
	}
	return types.MustDecimalType(p, s), nil
}

// protoFieldMetaParams reads the params map of a field's
// (confluent.field_meta) option, which the compiler keeps as unknown
// fields or a dynamic extension of the field's options: in their wire
// form field 1088, a confluent.Meta message whose field 2 holds map
// entries (key 1, value 2).
func protoFieldMetaParams(fd protoreflect.FieldDescriptor) map[string]string {
	params := map[string]string{}
	b, err := proto.Marshal(fd.Options())
	if err != nil {
		return params
	}
	for _, meta := range protoBytesFields(b, fieldMetaNumber) {
		for _, entry := range protoBytesFields(meta, 2) {
			var k, v string
			if ks := protoBytesFields(entry, 1); len(ks) > 0 {
				k = string(ks[len(ks)-1])
			}
			if vs := protoBytesFields(entry, 2); len(vs) > 0 {
				v = string(vs[len(vs)-1])
			}
			params[k] = v
		}
	}
	return params
}

// protoBytesFields is every length-delimited field number n in b, in order.
func protoBytesFields(b []byte, n protowire.Number) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		num, typ, k := protowire.ConsumeTag(b)
		if k < 0 {
			return out
		}
		b = b[k:]
		if typ == protowire.BytesType && num == n {
			v, k := protowire.ConsumeBytes(b)
			if k < 0 {
				return out
			}
			out = append(out, v)
			b = b[k:]
			continue
		}
		k = protowire.ConsumeFieldValue(num, typ, b)
		if k < 0 {
			return out
		}
		b = b[k:]
	}
	return out
}

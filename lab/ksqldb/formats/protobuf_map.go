package formats

// MAP columns in PROTOBUF and PROTOBUF_NOSR. ProtobufData.fromConnectSchema
// (confluentinc/schema-registry v7.9.0 protobuf-converter/.../
// ProtobufData.java, mapDefinitionFromConnectSchema) writes a Connect map
// as a repeated field of a nested message named by the next ConnectDefault
// index plus "Entry" (ProtobufSchema.toMapEntry), holding the fields key = 1
// and value = 2 as any other optional Connect fields; it does not mark the
// message map_entry. Reading, ProtobufData.isMapDescriptor takes any
// repeated message named ...Entry whose only fields are a single key and a
// single value, in that order, for a map, which covers proto3 map fields
// too; toConnectData reads it as a map, empty when it has no element.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// protoMapEntrySuffix is ProtobufSchema.MAP_ENTRY_SUFFIX.
const protoMapEntrySuffix = "Entry"

// protoMapEntryField writes the repeated entry field of MAP column f into sb
// and its entry message into nested, taking the next ConnectDefault index
// for the entry before the value's own messages take theirs.
func protoMapEntryField(sb, nested *strings.Builder, f types.Field, tag int, next *int, indent, nullable string) error {
	*next++
	entry := "ConnectDefault" + strconv.Itoa(*next) + protoMapEntrySuffix
	kv := []types.Field{{Name: "key", Type: f.Type.Key}, {Name: "value", Type: f.Type.Elem}}
	if err := protoMessage(nested, entry, kv, next, indent+"  ", nullable); err != nil {
		return err
	}
	fmt.Fprintf(sb, "%s  repeated %s %s = %d;\n", indent, entry, f.Name, tag)
	return nil
}

// protoMapEntry returns the key and value fields of fd's entry message when
// fd is a map as ProtobufData.isMapDescriptor tells one.
func protoMapEntry(fd protoreflect.FieldDescriptor) (key, value protoreflect.FieldDescriptor, ok bool) {
	if fd.IsMap() {
		return fd.MapKey(), fd.MapValue(), true
	}
	if !fd.IsList() || fd.Message() == nil {
		return nil, nil, false
	}
	md := fd.Message()
	fds := md.Fields()
	if !strings.HasSuffix(string(md.Name()), protoMapEntrySuffix) || fds.Len() != 2 {
		return nil, nil, false
	}
	key, value = fds.Get(0), fds.Get(1)
	if key.Name() != "key" || value.Name() != "value" || key.IsList() || value.IsList() {
		return nil, nil, false
	}
	return key, value, true
}

// protoMapValue reads map field fd of m into MAP column type t, each entry
// as ConnectDataTranslator.toKsqlMap reads it (paths ->MAP_KEY, ->MAP_VAL).
func protoMapValue(m protoreflect.Message, fd, kfd, vfd protoreflect.FieldDescriptor, t types.Type, path string) (any, error) {
	if t.Kind() != types.KindMap {
		return nil, fmt.Errorf("Cannot deserialize type map as type %s for path: %s", connectKindOf(t), path)
	}
	// ProtobufData.toConnectData then ConnectDataTranslator.toKsqlMap each
	// fill a new HashMap<>() in the entries' order
	out := types.NewDefaultHashMap()
	put := func(k, v protoreflect.Value) error {
		key, err := protoMapKey(k, kfd, t.Key, path+"->MAP_KEY")
		if err != nil {
			return err
		}
		val, err := protoScalar(v, vfd, protoConnectKind(vfd), t.Elem, path+"->MAP_VAL")
		if err != nil {
			return err
		}
		out.Put(types.Format(key), val)
		return nil
	}
	if fd.IsMap() {
		// a map field read as a Go map (its descriptors not copied, see
		// protoMapsAsLists) no longer has the wire's order: its entries
		// go in by sorted key
		pm := m.Get(fd).Map()
		var keys []protoreflect.MapKey
		pm.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
			keys = append(keys, k)
			return true
		})
		slices.SortFunc(keys, func(a, b protoreflect.MapKey) int {
			return strings.Compare(types.Format(a.Interface()), types.Format(b.Interface()))
		})
		for _, k := range keys {
			if err := put(k.Value(), pm.Get(k)); err != nil {
				return nil, err
			}
		}
		return out.Map(), nil
	}
	list := m.Get(fd).List()
	for i := 0; i < list.Len(); i++ {
		e := list.Get(i).Message()
		if err := put(e.Get(kfd), e.Get(vfd)); err != nil {
			return nil, err
		}
	}
	return out.Map(), nil
}

// protoMapKey reads an entry's key, a wrapper's through its field 1; an
// integer or boolean key of a STRING-keyed column is its text, as
// ConnectDataTranslator turns a Connect integer or boolean into a STRING.
func protoMapKey(k protoreflect.Value, kfd protoreflect.FieldDescriptor, t types.Type, path string) (any, error) {
	if md := kfd.Message(); md != nil && protoWrapperKind(md) != "" {
		kfd = md.Fields().ByNumber(1)
		k = k.Message().Get(kfd)
	}
	if t.Kind() == types.KindString && kfd.Kind() != protoreflect.StringKind && kfd.Kind() != protoreflect.EnumKind {
		return types.Format(k.Interface()), nil
	}
	return protoScalar(k, kfd, protoConnectKind(kfd), t, path)
}

// setProtoMap writes MAP value v into map field fd of m: one entry per key,
// in the map's order; a null value leaves the entry's value field out, as
// ProtobufData.fromConnectData does.
func setProtoMap(m *dynamicpb.Message, fd, kfd, vfd protoreflect.FieldDescriptor, v any, t types.Type) error {
	km, ok := v.(*types.KeyedMap)
	if !ok {
		return fmt.Errorf("want a map, got %T", v)
	}
	for i, key := range km.Keys {
		k, isStr := key.(string)
		if !isStr {
			return fmt.Errorf("want a map with STRING keys, got a %T key", key)
		}
		val := km.Vals[i]
		if fd.IsMap() {
			kv, err := protoScalarValue(kfd, k)
			if err != nil {
				return err
			}
			if val == nil {
				continue // a Go map field cannot hold an entry without a value
			}
			vv, err := protoValue(m, vfd, val, t.Elem)
			if err != nil {
				return err
			}
			m.Mutable(fd).Map().Set(kv.MapKey(), vv)
			continue
		}
		e := dynamicpb.NewMessage(fd.Message())
		if err := setProtoField(e, kfd, k, t.Key); err != nil {
			return err
		}
		if err := setProtoField(e, vfd, val, t.Elem); err != nil {
			return err
		}
		m.Mutable(fd).List().Append(protoreflect.ValueOfMessage(e))
	}
	return nil
}

// protoMapColumnType is the MAP column type of map field kfd, vfd: its
// keys STRING whether the field's are strings, integers or booleans, as
// ConnectKsqlSchemaTranslator.toKsqlMapSchema makes them.
func protoMapColumnType(kfd, vfd protoreflect.FieldDescriptor, depth int, upper bool) (types.Type, error) {
	switch kind := protoConnectKind(kfd); kind {
	case "string", "boolean", "int32", "int64":
	default:
		return types.Null, stmterr.Unsupported("MAP keys of type " + strings.ToUpper(kind) + " of PROTOBUF field " + string(kfd.ContainingMessage().Name()))
	}
	vt, err := protoColumnType(vfd, depth+1, upper)
	if err != nil {
		return types.Null, err
	}
	return types.MapOf(types.String, vt), nil
}

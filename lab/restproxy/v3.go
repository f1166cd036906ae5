package restproxy

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/ctalab/ctalab/internal/jsonwire"
)

// API v3: the resources of kafka-rest's resources/v3 package, shaped as
// api/v3/openapi.yaml of confluentinc/kafka-rest v7.9.0 documents them
// (https://docs.confluent.io/platform/7.9/kafka-rest/api.html#v3-api):
// every resource has "kind", "metadata" {"self","resource_name"} and
// {"related": url} links; collections have "metadata" {"self","next"} and
// "data". Errors keep the {"error_code","message"} shape.

func (p *Proxy) v3Routes(mux *http.ServeMux) {
	const c = "/v3/clusters/{cluster}"
	mux.HandleFunc("GET /v3/clusters", v3Media(p.listClusters))
	mux.HandleFunc("GET "+c, v3Media(p.getCluster))
	mux.HandleFunc("GET "+c+"/brokers", p.v3(p.listBrokers))
	mux.HandleFunc("GET "+c+"/brokers/{broker}", p.v3(p.getBroker))
	mux.HandleFunc("GET "+c+"/topics", p.v3(p.listTopicsV3))
	mux.HandleFunc("POST "+c+"/topics", p.v3(p.createTopicV3))
	mux.HandleFunc("GET "+c+"/topics/{topic}", p.v3(p.getTopicV3))
	mux.HandleFunc("DELETE "+c+"/topics/{topic}", p.v3(p.deleteTopicV3))
	mux.HandleFunc("GET "+c+"/topics/{topic}/partitions", p.v3(p.listPartitions))
	mux.HandleFunc("GET "+c+"/topics/{topic}/partitions/{partition}", p.v3(p.getPartition))
	mux.HandleFunc("GET "+c+"/topics/{topic}/partitions/{partition}/replicas", p.v3(p.listReplicas))
	mux.HandleFunc("GET "+c+"/topics/{topic}/partitions/{partition}/replicas/{broker}", p.v3(p.getReplica))
	mux.HandleFunc("POST "+c+"/topics/{topic}/records", p.v3(p.produceV3))
	mux.HandleFunc("POST "+c+"/topics/{topic}/records:batch", p.v3(p.produceBatchV3))
	mux.HandleFunc("GET "+c+"/consumer-groups", p.v3(p.listGroups))
	mux.HandleFunc("GET "+c+"/consumer-groups/{group}", p.v3(p.getGroup))
	mux.HandleFunc("GET "+c+"/consumer-groups/{group}/consumers", p.v3(p.listGroupConsumers))
	mux.HandleFunc("GET "+c+"/consumer-groups/{group}/consumers/{consumer}", p.v3(p.getGroupConsumer))
	mux.HandleFunc("GET "+c+"/consumer-groups/{group}/consumers/{consumer}/assignments", p.v3(p.listAssignments))
	mux.HandleFunc("GET "+c+"/consumer-groups/{group}/consumers/{consumer}/assignments/{topic}/partitions/{partition}", p.v3(p.getAssignment))
	mux.HandleFunc("GET "+c+"/consumer-groups/{group}/lag-summary", p.v3(p.getLagSummary))
	mux.HandleFunc("GET "+c+"/consumer-groups/{group}/lags", p.v3(p.listLags))
	mux.HandleFunc("GET "+c+"/consumer-groups/{group}/lags/{topic}/partitions/{partition}", p.v3(p.getLag))
	p.v3ConfigRoutes(mux)
	p.v3BlockedRoutes(mux)
}

const mediaTypeJSON = "application/json"

func writeV3(w http.ResponseWriter, status int, body any) {
	b, err := jsonwire.Marshal(body)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error_code":500,"message":"Internal Server Error"}`)
	}
	w.Header().Set("Content-Type", mediaTypeJSON)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeV3Error(w http.ResponseWriter, e *apiError) {
	writeV3(w, e.Status, e)
}

// v3ctx is what every cluster-scoped v3 handler gets: the request, the
// cluster's metadata and a URL builder rooted at the request's host.
type v3ctx struct {
	r       *http.Request
	cluster string
	meta    kadm.Metadata
}

func (c v3ctx) url(segs ...string) string {
	return absoluteURI(c.r, append([]string{"v3", "clusters", c.cluster}, segs...)...)
}

// crn is kafka-rest's resource name: crn:///kafka=<cluster>/<type>=<id>/…
func (c v3ctx) crn(pairs ...string) string {
	var b strings.Builder
	b.WriteString("crn:///kafka=" + c.cluster)
	for i := 0; i+1 < len(pairs); i += 2 {
		b.WriteString("/" + pairs[i])
		if pairs[i+1] != "" { // a component without an id is the type alone
			b.WriteString("=" + pairs[i+1])
		}
	}
	return b.String()
}

type resourceMeta struct {
	Self         string `json:"self"`
	ResourceName string `json:"resource_name,omitempty"`
}

type collectionMeta struct {
	Self string  `json:"self"`
	Next *string `json:"next"`
}

type related struct {
	Related string `json:"related"`
}

type collection struct {
	Kind     string         `json:"kind"`
	Metadata collectionMeta `json:"metadata"`
	Data     any            `json:"data"`
}

func (c v3ctx) list(kind string, data any, segs ...string) collection {
	return collection{Kind: kind, Metadata: collectionMeta{Self: c.url(segs...)}, Data: data}
}

// v3 resolves the path's cluster id, answering 404 "Cluster <id> cannot be
// found." (kafka-rest's managers' check) for any other id.
func (p *Proxy) v3(h func(w http.ResponseWriter, c v3ctx)) http.HandlerFunc {
	return p.v3Missing(clusterCannotBeFound, h)
}

// v3Missing is v3 answering missing for another cluster id.
func (p *Proxy) v3Missing(missing func(r *http.Request, id string) *apiError, h func(w http.ResponseWriter, c v3ctx)) http.HandlerFunc {
	return v3Media(func(w http.ResponseWriter, r *http.Request) {
		c, e := p.clusterFor(r, missing)
		if e != nil {
			writeV3Error(w, e)
			return
		}
		h(w, c)
	})
}

// clusterFor resolves the path's cluster id; missing is the answer for
// another id.
func (p *Proxy) clusterFor(r *http.Request, missing func(r *http.Request, id string) *apiError) (v3ctx, *apiError) {
	meta, err := p.admin.Metadata(r.Context())
	if err != nil {
		return v3ctx{}, kafkaAPIError(err, "")
	}
	if id := r.PathValue("cluster"); id != meta.Cluster {
		return v3ctx{}, missing(r, id)
	}
	return v3ctx{r: r, cluster: meta.Cluster, meta: meta}, nil
}

// clusterCannotBeFound is the managers' NotFoundException for another
// cluster id, worded as the consumer group manager words it under
// /consumer-groups.
func clusterCannotBeFound(r *http.Request, id string) *apiError {
	msg := "Cluster %s cannot be found."
	if strings.Contains(r.URL.Path, "/consumer-groups") {
		msg = "Cluster %s could not be found."
	}
	return newAPIError(http.StatusNotFound, http.StatusNotFound, msg, id)
}

var v3MediaTypes = map[string]bool{mediaTypeJSON: true}

// v3Media answers as Jersey does for resources that consume and produce
// application/json only: 415 for a POST or PUT with another Content-Type, 406
// when the Accept header does not admit application/json; then the path's
// parameters are converted (refuseConfigType).
func v3Media(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost || r.Method == http.MethodPut {
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != mediaTypeJSON {
				writeV3Error(w, httpError(http.StatusUnsupportedMediaType))
				return
			}
		}
		if !acceptsAny(r.Header.Get("Accept"), v3MediaTypes) {
			writeV3Error(w, httpError(http.StatusNotAcceptable))
			return
		}
		if e := refuseConfigType(r); e != nil {
			writeV3Error(w, e)
			return
		}
		h(w, r)
	}
}

// notFound is JAX-RS's NotFoundException without a message.
func notFound() *apiError { return httpError(http.StatusNotFound) }

// kafkaAPIError maps a Kafka failure as rest-utils' KafkaExceptionMapper
// does (confluentinc/rest-utils core/.../exceptions/KafkaExceptionMapper.java):
// the exception's message with 400/40002 for request errors, 404/40403 for
// unknown topics or partitions, 500/50003 for retriable and 500/50002 for
// other errors. brokerMsg, when set, is the broker's own error message.
func kafkaAPIError(err error, brokerMsg string) *apiError {
	var ke *kerr.Error
	if !errors.As(err, &ke) {
		return newAPIError(http.StatusInternalServerError, codeKafkaError, "%s", err.Error())
	}
	msg := brokerMsg
	if msg == "" {
		msg = ke.Description
	}
	switch ke {
	case kerr.UnknownTopicOrPartition, kerr.UnknownTopicID:
		return newAPIError(http.StatusNotFound, 40403, "%s", msg)
	case kerr.TopicAlreadyExists, kerr.InvalidReplicationFactor, kerr.InvalidPartitions,
		kerr.InvalidRequest, kerr.PolicyViolation, kerr.InvalidConfig, kerr.TopicDeletionDisabled,
		kerr.UnsupportedVersion, kerr.InvalidTopicException, kerr.UnknownServerError,
		kerr.InvalidReplicaAssignment:
		return newAPIError(http.StatusBadRequest, 40002, "%s", msg)
	case kerr.BrokerNotAvailable:
		return newAPIError(http.StatusServiceUnavailable, 50302, "%s", msg)
	case kerr.MessageTooLarge, kerr.RecordListTooLarge:
		return newAPIError(http.StatusRequestEntityTooLarge, http.StatusRequestEntityTooLarge, "%s", msg)
	}
	if ke.Retriable {
		return newAPIError(http.StatusInternalServerError, codeKafkaRetriable, "%s", msg)
	}
	return newAPIError(http.StatusInternalServerError, codeKafkaError, "%s", msg)
}

type clusterData struct {
	Kind                   string       `json:"kind"`
	Metadata               resourceMeta `json:"metadata"`
	ClusterID              string       `json:"cluster_id"`
	Controller             *related     `json:"controller,omitempty"`
	ACLs                   related      `json:"acls"`
	Brokers                related      `json:"brokers"`
	BrokerConfigs          related      `json:"broker_configs"`
	ConsumerGroups         related      `json:"consumer_groups"`
	Topics                 related      `json:"topics"`
	PartitionReassignments related      `json:"partition_reassignments"`
}

func (c v3ctx) clusterData() clusterData {
	d := clusterData{
		Kind:                   "KafkaCluster",
		Metadata:               resourceMeta{Self: c.url(), ResourceName: c.crn()},
		ClusterID:              c.cluster,
		ACLs:                   related{c.url("acls")},
		Brokers:                related{c.url("brokers")},
		BrokerConfigs:          related{c.url("broker-configs")},
		ConsumerGroups:         related{c.url("consumer-groups")},
		Topics:                 related{c.url("topics")},
		PartitionReassignments: related{c.url("topics", "-", "partitions", "-", "reassignment")},
	}
	if c.meta.Controller >= 0 {
		d.Controller = &related{c.url("brokers", strconv.Itoa(int(c.meta.Controller)))}
	}
	return d
}

// listClusters handles GET /v3/clusters: the one cluster the proxy serves.
func (p *Proxy) listClusters(w http.ResponseWriter, r *http.Request) {
	meta, err := p.admin.Metadata(r.Context())
	if err != nil {
		writeV3Error(w, kafkaAPIError(err, ""))
		return
	}
	c := v3ctx{r: r, cluster: meta.Cluster, meta: meta}
	writeV3(w, http.StatusOK, collection{
		Kind:     "KafkaClusterList",
		Metadata: collectionMeta{Self: absoluteURI(r, "v3", "clusters")},
		Data:     []clusterData{c.clusterData()},
	})
}

// getCluster handles GET /v3/clusters/{cluster}; another id is a bare 404.
func (p *Proxy) getCluster(w http.ResponseWriter, r *http.Request) {
	meta, err := p.admin.Metadata(r.Context())
	if err != nil {
		writeV3Error(w, kafkaAPIError(err, ""))
		return
	}
	if r.PathValue("cluster") != meta.Cluster {
		writeV3Error(w, notFound())
		return
	}
	c := v3ctx{r: r, cluster: meta.Cluster, meta: meta}
	writeV3(w, http.StatusOK, c.clusterData())
}

type brokerData struct {
	Kind              string       `json:"kind"`
	Metadata          resourceMeta `json:"metadata"`
	ClusterID         string       `json:"cluster_id"`
	BrokerID          int32        `json:"broker_id"`
	Host              *string      `json:"host"`
	Port              *int32       `json:"port"`
	Rack              *string      `json:"rack"`
	Configs           related      `json:"configs"`
	PartitionReplicas related      `json:"partition_replicas"`
}

func (c v3ctx) brokerData(b kadm.BrokerDetail) brokerData {
	id := strconv.Itoa(int(b.NodeID))
	host, port := b.Host, b.Port
	return brokerData{
		Kind:              "KafkaBroker",
		Metadata:          resourceMeta{Self: c.url("brokers", id), ResourceName: c.crn("broker", id)},
		ClusterID:         c.cluster,
		BrokerID:          b.NodeID,
		Host:              &host,
		Port:              &port,
		Rack:              b.Rack,
		Configs:           related{c.url("brokers", id, "configs")},
		PartitionReplicas: related{c.url("brokers", id, "partition-replicas")},
	}
}

func (p *Proxy) listBrokers(w http.ResponseWriter, c v3ctx) {
	data := []brokerData{}
	for _, b := range c.meta.Brokers {
		data = append(data, c.brokerData(b))
	}
	writeV3(w, http.StatusOK, c.list("KafkaBrokerList", data, "brokers"))
}

func (p *Proxy) getBroker(w http.ResponseWriter, c v3ctx) {
	id, err := strconv.ParseInt(c.r.PathValue("broker"), 10, 32)
	if err != nil {
		writeV3Error(w, notFound())
		return
	}
	for _, b := range c.meta.Brokers {
		if b.NodeID == int32(id) {
			writeV3(w, http.StatusOK, c.brokerData(b))
			return
		}
	}
	writeV3Error(w, notFound())
}

// requestContext is a context for admin calls made on behalf of a request.
func requestContext(c v3ctx) context.Context { return c.r.Context() }

package produce

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/ctalab/ctalab/app/retry"
	"github.com/ctalab/ctalab/app/schema"
	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/topic"
)

// avroV2 is the REST Proxy v2 content type for records with Avro embedded
// data; the proxy answers 415 to any other type for them.
const avroV2 = "application/vnd.kafka.avro.v2+json"

// weatherClient POSTs weather reports to the REST Proxy. The first request
// carries the key and value schemas as JSON strings; later ones reuse the
// ids the proxy answered with.
type weatherClient struct {
	url  string
	http *http.Client

	mu             sync.Mutex
	keyID, valueID int
	haveIDs        bool
}

func newWeatherClient(base string, hc *http.Client) (*weatherClient, error) {
	return &weatherClient{url: strings.TrimRight(base, "/") + "/topics/" + topic.Weather, http: hc}, nil
}

type weatherRecord struct {
	Key   map[string]int64 `json:"key"`
	Value map[string]any   `json:"value"`
}

type weatherRequest struct {
	KeySchema     string          `json:"key_schema,omitempty"`
	ValueSchema   string          `json:"value_schema,omitempty"`
	KeySchemaID   int             `json:"key_schema_id,omitempty"`
	ValueSchemaID int             `json:"value_schema_id,omitempty"`
	Records       []weatherRecord `json:"records"`
}

type produceResponse struct {
	KeySchemaID   *int `json:"key_schema_id"`
	ValueSchemaID *int `json:"value_schema_id"`
	Offsets       []struct {
		Partition int     `json:"partition"`
		Offset    int64   `json:"offset"`
		ErrorCode *int    `json:"error_code"`
		Error     *string `json:"error"`
	} `json:"offsets"`
}

func (c *weatherClient) post(ctx context.Context, w sim.WeatherReport) error {
	req := weatherRequest{Records: []weatherRecord{{
		Key:   map[string]int64{"timestamp": w.Time.UnixMilli()},
		Value: map[string]any{"temperature": w.Temperature, "status": w.Status.String()},
	}}}
	c.mu.Lock()
	if c.haveIDs {
		req.KeySchemaID, req.ValueSchemaID = c.keyID, c.valueID
	} else {
		req.KeySchema, req.ValueSchema = schema.WeatherKey.Text, schema.WeatherValue.Text
	}
	c.mu.Unlock()
	body, err := json.Marshal(req)
	if err != nil {
		return retry.Permanent(fmt.Errorf("encode weather request: %w", err))
	}
	var resp produceResponse
	if err := c.do(ctx, body, &resp); err != nil {
		return fmt.Errorf("post weather to the REST Proxy: %w", err)
	}
	for _, o := range resp.Offsets {
		if o.Error != nil || o.ErrorCode != nil {
			msg := ""
			if o.Error != nil {
				msg = *o.Error
			}
			err := fmt.Errorf("post weather to the REST Proxy: record rejected: %s", msg)
			// The proxy sets a record's code from the producer's exception
			// (kafka-rest ProduceTask / KafkaExceptionMapper): 50003 for a
			// RetriableException (the cluster is away or busy), 50002 for
			// any other Kafka error and 4xxxx for authorization: only the
			// first goes away by itself.
			if o.ErrorCode != nil && *o.ErrorCode != 50003 {
				return retry.Permanent(fmt.Errorf("%w (error %d: Kafka refused the record; check the weather topic's configuration)", err, *o.ErrorCode))
			}
			return err
		}
	}
	if resp.KeySchemaID != nil && resp.ValueSchemaID != nil {
		c.mu.Lock()
		c.keyID, c.valueID, c.haveIDs = *resp.KeySchemaID, *resp.ValueSchemaID, true
		c.mu.Unlock()
	}
	return nil
}

// do sends the request once. A connection failure, a timeout and a
// transient status (5xx, 408, 429) are returned as they are, to be retried;
// any other answer but 200 is marked permanent: the request itself is wrong
// (e.g. 422 "Conversion of JSON to Avro failed", 40403 "Schema not found";
// https://docs.confluent.io/platform/7.9/kafka-rest/api.html#errors).
func (c *weatherClient) do(ctx context.Context, body []byte, out *produceResponse) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return retry.Permanent(err)
	}
	req.Header.Set("Content-Type", avroV2)
	req.Header.Set("Accept", "application/vnd.kafka.v2+json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(b)))
		if retry.TransientStatus(resp.StatusCode) {
			return err
		}
		return retry.Permanent(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return retry.Permanent(fmt.Errorf("decode answer %q: %w", b, err))
	}
	return nil
}

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
	"time"

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

func newWeatherClient(base string) (*weatherClient, error) {
	return &weatherClient{url: strings.TrimRight(base, "/") + "/topics/" + topic.Weather, http: &http.Client{Timeout: 15 * time.Second}}, nil
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
		return fmt.Errorf("encode weather request: %w", err)
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
			return fmt.Errorf("post weather to the REST Proxy: record rejected: %s", msg)
		}
	}
	if resp.KeySchemaID != nil && resp.ValueSchemaID != nil {
		c.mu.Lock()
		c.keyID, c.valueID, c.haveIDs = *resp.KeySchemaID, *resp.ValueSchemaID, true
		c.mu.Unlock()
	}
	return nil
}

// do sends the request, retrying connection failures and 5xx answers a few
// times with a short backoff; a 4xx answer is final.
func (c *weatherClient) do(ctx context.Context, body []byte, out *produceResponse) error {
	var last error
	for attempt := range 4 {
		if attempt > 0 {
			select {
			case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", avroV2)
		req.Header.Set("Accept", "application/vnd.kafka.v2+json")
		resp, err := c.http.Do(req)
		if err != nil {
			last = err
			continue
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil {
			last = err
			continue
		}
		if resp.StatusCode >= 500 {
			last = fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(b)))
			continue
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(b)))
		}
		return json.Unmarshal(b, out)
	}
	return last
}

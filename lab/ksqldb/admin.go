package ksqldb

import "net/http"

func (s *Server) handleTerminateCluster(w http.ResponseWriter, r *http.Request) { s.notBuilt(w, r) }
func (s *Server) handleClusterStatus(w http.ResponseWriter, r *http.Request)    { s.notBuilt(w, r) }
func (s *Server) handleIsValidProperty(w http.ResponseWriter, r *http.Request)  { s.notBuilt(w, r) }

package awsemu

// The admin API: JSON over HTTP under AdminPrefix, on the same listener as
// the emulated APIs, for tests that drive the emulator from another
// process. Admin calls are not counted and never see faults.
//
//	GET    /_awsemu/health            {"ok":true,"now":"…"}
//	GET    /_awsemu/counters          Counters
//	DELETE /_awsemu/counters          zero the counters
//	GET    /_awsemu/faults            {"faults":[Fault…]}
//	POST   /_awsemu/faults            replace: {"faults":[Fault…]} or [Fault…]
//	DELETE /_awsemu/faults            remove all faults
//	GET    /_awsemu/sessions          {"sessions":[SessionInfo…]} (no secrets)
//	POST   /_awsemu/sessions/expire   {"access_key_ids":[…]} (empty: all)
//	GET    /_awsemu/clock             {"now":"…","offset_seconds":N}
//	POST   /_awsemu/clock             {"offset_seconds":N}
//	POST   /_awsemu/reset             counters, faults, sessions, SSO state, clock offset
//	GET    /_awsemu/sso/pending       {"pending":[PendingAuthorization…]}
//	POST   /_awsemu/sso/approve       {"user_code"|"request_id":…,"user":…}
//	POST   /_awsemu/sso/deny          {"user_code"|"request_id":…}
//	POST   /_awsemu/sso/auto-approve  {"user":…} ("" turns it off)
//	GET    /_awsemu/sso/tokens        {"tokens":[SSOTokenInfo…]} (no values)
//	POST   /_awsemu/sso/expire-tokens {"user":…} (empty: all) access tokens
//	POST   /_awsemu/sso/revoke-refresh {"user":…} (empty: all) refresh tokens
//	POST   /_awsemu/sso/mint-token    {"user":…} → SSOToken
//	GET    /_awsemu/login             {"counters":LoginCounters,"sessions":[LoginSessionInfo…]}
//	POST   /_awsemu/login/auto-approve {"user":…} ("" shows the sign-in page)
//	POST   /_awsemu/login/revoke      {"user":…} (empty: all) login sessions
//	POST   /_awsemu/login/expire      {"user":…} (empty: all) login sessions

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

func (s *Server) adminRoutes() {
	p := AdminPrefix
	s.mux.HandleFunc("GET "+p+"health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "now": s.now().UTC().Format(time.RFC3339)})
	})
	s.mux.HandleFunc("GET "+p+"counters", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Counters())
	})
	s.mux.HandleFunc("DELETE "+p+"counters", func(w http.ResponseWriter, r *http.Request) {
		s.ResetCounters()
		writeJSON(w, http.StatusOK, s.Counters())
	})
	s.mux.HandleFunc("GET "+p+"faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"faults": s.Faults()})
	})
	s.mux.HandleFunc("POST "+p+"faults", s.adminSetFaults)
	s.mux.HandleFunc("DELETE "+p+"faults", func(w http.ResponseWriter, r *http.Request) {
		_ = s.SetFaults()
		writeJSON(w, http.StatusOK, map[string]any{"faults": s.Faults()})
	})
	s.mux.HandleFunc("GET "+p+"sessions", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"sessions": s.Sessions()})
	})
	s.mux.HandleFunc("POST "+p+"sessions/expire", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			AccessKeyIDs []string `json:"access_key_ids"`
		}
		if !readJSON(w, r, &req, true) {
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"expired": s.ExpireSessions(req.AccessKeyIDs...)})
	})
	s.mux.HandleFunc("GET "+p+"clock", s.adminClock)
	s.mux.HandleFunc("POST "+p+"clock", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			OffsetSeconds *int64 `json:"offset_seconds"`
		}
		if !readJSON(w, r, &req, false) {
			return
		}
		if req.OffsetSeconds == nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "offset_seconds is required"})
			return
		}
		s.SetClockOffset(time.Duration(*req.OffsetSeconds) * time.Second)
		s.adminClock(w, r)
	})
	s.mux.HandleFunc("POST "+p+"reset", func(w http.ResponseWriter, r *http.Request) {
		s.Reset()
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	})
	s.adminSSORoutes()
	s.adminLoginRoutes()
	s.mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no admin endpoint " + r.Method + " " + r.URL.Path})
	})
}

func (s *Server) adminSSORoutes() {
	p := AdminPrefix + "sso/"
	badRequest := func(w http.ResponseWriter, err error) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
	}
	s.mux.HandleFunc("GET "+p+"pending", func(w http.ResponseWriter, r *http.Request) {
		pending := s.PendingAuthorizations()
		if pending == nil {
			pending = []PendingAuthorization{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"pending": pending})
	})
	decide := func(approve bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			var req struct {
				UserCode  string `json:"user_code"`
				RequestID string `json:"request_id"`
				User      string `json:"user"`
			}
			if !readJSON(w, r, &req, false) {
				return
			}
			var redirect string
			var err error
			switch {
			case (req.UserCode == "") == (req.RequestID == ""):
				err = fmt.Errorf("give exactly one of user_code and request_id")
			case approve && req.User == "":
				err = fmt.Errorf("user is required")
			case req.UserCode != "" && approve:
				err = s.ApproveDevice(req.UserCode, req.User)
			case req.UserCode != "":
				err = s.DenyDevice(req.UserCode)
			case approve:
				redirect, err = s.ApproveAuthorization(req.RequestID, req.User)
			default:
				redirect, err = s.DenyAuthorization(req.RequestID)
			}
			if err != nil {
				badRequest(w, err)
				return
			}
			out := map[string]any{"ok": true}
			if redirect != "" {
				out["redirect_url"] = redirect
			}
			writeJSON(w, http.StatusOK, out)
		}
	}
	s.mux.HandleFunc("POST "+p+"approve", decide(true))
	s.mux.HandleFunc("POST "+p+"deny", decide(false))
	type userReq struct {
		User string `json:"user"`
	}
	s.mux.HandleFunc("POST "+p+"auto-approve", func(w http.ResponseWriter, r *http.Request) {
		var req userReq
		if !readJSON(w, r, &req, false) {
			return
		}
		if err := s.SetAutoApproveUser(req.User); err != nil {
			badRequest(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"auto_approve_user": s.autoApproveUser()})
	})
	s.mux.HandleFunc("GET "+p+"tokens", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"tokens": s.SSOTokens()})
	})
	s.mux.HandleFunc("POST "+p+"expire-tokens", func(w http.ResponseWriter, r *http.Request) {
		var req userReq
		if !readJSON(w, r, &req, true) {
			return
		}
		writeJSON(w, http.StatusOK, map[string]int{"expired": s.ExpireSSOTokens(req.User)})
	})
	s.mux.HandleFunc("POST "+p+"revoke-refresh", func(w http.ResponseWriter, r *http.Request) {
		var req userReq
		if !readJSON(w, r, &req, true) {
			return
		}
		writeJSON(w, http.StatusOK, map[string]int{"revoked": s.RevokeRefreshTokens(req.User)})
	})
	s.mux.HandleFunc("POST "+p+"mint-token", func(w http.ResponseWriter, r *http.Request) {
		var req userReq
		if !readJSON(w, r, &req, false) {
			return
		}
		tok, err := s.MintSSOToken(req.User)
		if err != nil {
			badRequest(w, err)
			return
		}
		writeJSON(w, http.StatusOK, tok)
	})
}

func (s *Server) adminClock(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"now":            s.now().UTC().Format(time.RFC3339),
		"offset_seconds": int64(s.ClockOffset() / time.Second),
	})
}

func (s *Server) adminSetFaults(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "reading body: " + err.Error()})
		return
	}
	var faults []Fault
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		err = strictJSON(trimmed, &faults)
	} else {
		var req struct {
			Faults []Fault `json:"faults"`
		}
		err = strictJSON(trimmed, &req)
		faults = req.Faults
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "decoding faults: " + err.Error()})
		return
	}
	if err := s.SetFaults(faults...); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"faults": s.Faults()})
}

// readJSON decodes a JSON request body into v; an empty body is allowed
// when emptyOK. On failure it answers 400 and returns false.
func readJSON(w http.ResponseWriter, r *http.Request, v any, emptyOK bool) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err == nil && len(bytes.TrimSpace(body)) == 0 {
		if emptyOK {
			return true
		}
		err = fmt.Errorf("empty body")
	}
	if err == nil {
		err = strictJSON(body, v)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "decoding request: " + err.Error()})
		return false
	}
	return true
}

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, `{"error":"encoding response"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(out, '\n'))
}

func (s *Server) adminLoginRoutes() {
	p := AdminPrefix + "login"
	type userReq struct {
		User string `json:"user"`
	}
	s.mux.HandleFunc("GET "+p, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"counters": s.LoginCounters(), "sessions": s.LoginSessions()})
	})
	s.mux.HandleFunc("POST "+p+"/auto-approve", func(w http.ResponseWriter, r *http.Request) {
		var req userReq
		if !readJSON(w, r, &req, false) {
			return
		}
		if err := s.SetLoginAutoApproveUser(req.User); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	})
	for name, end := range map[string]func(string) int{"revoke": s.RevokeLoginSessions, "expire": s.ExpireLoginSessions} {
		s.mux.HandleFunc("POST "+p+"/"+name, func(w http.ResponseWriter, r *http.Request) {
			var req userReq
			if !readJSON(w, r, &req, true) {
				return
			}
			writeJSON(w, http.StatusOK, map[string]int{"ended": end(req.User)})
		})
	}
}

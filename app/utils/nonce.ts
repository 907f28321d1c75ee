import { createContext, useContext } from "react";

// why: the CSP nonce exists only on the server render; browsers hide it from the DOM afterwards.
export const NonceContext = createContext<string>("");
export const useNonce = () => useContext(NonceContext);
